-- Grain: one invoice line as it reached silver (sales, cancellations, returns and fee lines alike).
-- Keyed by its source (batch, line). Stored in time order: the API's date-range filters then skip
-- whole row groups (zone maps) instead of scanning silver through a view on every request.
SELECT
    s.batch_id,
    s.source_line,
    s.invoice_no,
    (year(s.invoice_date) * 10000 + month(s.invoice_date) * 100 + day(s.invoice_date))::INTEGER AS date_key,
    s.invoice_ts,
    coalesce(s.customer_id, -1) AS customer_key,
    s.stock_code AS product_key,
    c.country_key,
    s.quantity,
    s.unit_price_gbp,
    s.line_total_gbp,
    s.is_cancellation,
    s.is_return,
    s.is_non_product,
    s.is_guest,
    NOT s.is_cancellation AND s.quantity > 0 AS is_sale,
    s.source_file
FROM silver.transactions AS s
JOIN gold.dim_country AS c USING (country)
ORDER BY s.invoice_ts, s.batch_id, s.source_line
