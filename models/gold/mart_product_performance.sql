-- Real products only (no postage, fees or manual lines): what sold, to how many, and what came back.
WITH product_lines AS (
    SELECT * FROM gold.fact_sales WHERE NOT is_non_product
)

SELECT
    p.product_key AS stock_code,
    d.description,
    sum(p.line_total_gbp)::DECIMAL(18, 2) AS revenue_gbp,
    coalesce(sum(p.line_total_gbp) FILTER (WHERE p.is_sale), 0)::DECIMAL(18, 2) AS sales_gbp,
    coalesce(sum(p.quantity) FILTER (WHERE p.is_sale), 0)::BIGINT AS units_sold,
    coalesce(-sum(p.quantity) FILTER (WHERE NOT p.is_sale), 0)::BIGINT AS units_returned,
    count(DISTINCT p.invoice_no) FILTER (WHERE p.is_sale)::INTEGER AS orders,
    count(DISTINCT p.customer_key) FILTER (WHERE p.is_sale AND NOT p.is_guest)::INTEGER AS customers,
    min(p.invoice_ts) AS first_sold_ts,
    max(p.invoice_ts) AS last_sold_ts,
    rank() OVER (ORDER BY sum(p.line_total_gbp) DESC)::INTEGER AS revenue_rank
FROM product_lines AS p
JOIN gold.dim_product AS d USING (product_key)
GROUP BY p.product_key, d.description
ORDER BY revenue_rank, stock_code
