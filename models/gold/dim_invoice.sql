-- One row per invoice: when, who, where, and its value (order value is per invoice, not per line).
SELECT
    invoice_no,
    min(invoice_ts) AS invoice_ts,
    min(date_key) AS date_key,
    min(customer_key) AS customer_key,
    min(country_key) AS country_key,
    bool_or(is_cancellation) AS is_cancellation,
    count(*)::INTEGER AS lines,
    sum(quantity)::BIGINT AS units,
    sum(line_total_gbp)::DECIMAL(18, 2) AS invoice_total_gbp
FROM gold.fact_sales
GROUP BY invoice_no
ORDER BY invoice_no
