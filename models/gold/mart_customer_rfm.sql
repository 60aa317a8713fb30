-- Recency, frequency and monetary scores (1-5, 5 best) per known customer, as of the day after
-- the last sale in the data (never the wall clock), and the classic RFM segment names.
-- Recency: days since the last sale line; frequency: sale invoices; monetary: net line totals
-- (sales less the customer's cancellations and returns).
WITH as_of AS (
    SELECT max(invoice_ts)::DATE + 1 AS as_of_date FROM gold.fact_sales
),

customers AS (
    SELECT
        customer_key AS customer_id,
        max(invoice_ts) FILTER (WHERE is_sale)::DATE AS last_purchase_date,
        count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS frequency,
        sum(line_total_gbp) AS monetary_gbp
    FROM gold.fact_sales
    WHERE NOT is_guest
    GROUP BY customer_key
    HAVING count(*) FILTER (WHERE is_sale) > 0
),

measured AS (
    SELECT c.*, (a.as_of_date - c.last_purchase_date)::INTEGER AS recency_days, a.as_of_date
    FROM customers AS c CROSS JOIN as_of AS a
),

-- Quintile of the customer's percentile rank, worst value first. Unlike ntile, ties share a score
-- (a third of customers have one order: they must not be split by id), and the best customer
-- scores 5 however few customers there are.
scored AS (
    SELECT
        *,
        reference.rfm_quintile(percent_rank() OVER (ORDER BY recency_days DESC)) AS r_score,
        reference.rfm_quintile(percent_rank() OVER (ORDER BY frequency)) AS f_score,
        reference.rfm_quintile(percent_rank() OVER (ORDER BY monetary_gbp)) AS m_score
    FROM measured
)

SELECT
    customer_id,
    as_of_date,
    last_purchase_date,
    recency_days,
    frequency::INTEGER AS frequency,
    monetary_gbp::DECIMAL(18, 2) AS monetary_gbp,
    r_score::INTEGER AS r_score,
    f_score::INTEGER AS f_score,
    m_score::INTEGER AS m_score,
    (r_score * 100 + f_score * 10 + m_score)::INTEGER AS rfm_code,
    reference.rfm_segment(r_score, f_score) AS segment
FROM scored
ORDER BY customer_id
