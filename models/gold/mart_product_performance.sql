-- Real products only (no postage, fees or manual lines): what sold, to how many, and what came back.
-- Aggregated per product first, then joined to its description (a join of products, not of lines).
WITH by_product AS (
    SELECT
        product_key,
        sum(line_total_gbp) AS revenue_gbp,
        sum(line_total_gbp) FILTER (WHERE is_sale) AS sales_gbp,
        sum(quantity) FILTER (WHERE is_sale) AS units_sold,
        -sum(quantity) FILTER (WHERE NOT is_sale) AS units_returned,
        count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders,
        count(DISTINCT customer_key) FILTER (WHERE is_sale AND NOT is_guest) AS customers,
        min(invoice_ts) AS first_sold_ts,
        max(invoice_ts) AS last_sold_ts
    FROM gold.fact_sales
    WHERE NOT is_non_product
    GROUP BY product_key
)

SELECT
    p.product_key AS stock_code,
    d.description,
    p.revenue_gbp::DECIMAL(18, 2) AS revenue_gbp,
    coalesce(p.sales_gbp, 0)::DECIMAL(18, 2) AS sales_gbp,
    coalesce(p.units_sold, 0)::BIGINT AS units_sold,
    coalesce(p.units_returned, 0)::BIGINT AS units_returned,
    p.orders::INTEGER AS orders,
    p.customers::INTEGER AS customers,
    p.first_sold_ts,
    p.last_sold_ts,
    rank() OVER (ORDER BY p.revenue_gbp DESC)::INTEGER AS revenue_rank
FROM by_product AS p
JOIN gold.dim_product AS d USING (product_key)
ORDER BY revenue_rank, stock_code
