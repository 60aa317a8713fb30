-- Revenue, orders and customers per country, with the country's share of net revenue.
WITH by_country AS (
    SELECT
        country_key,
        sum(line_total_gbp) AS revenue_gbp,
        sum(line_total_gbp) FILTER (WHERE is_sale) AS sales_gbp,
        count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders,
        count(DISTINCT customer_key) FILTER (WHERE is_sale AND NOT is_guest) AS customers,
        sum(quantity) FILTER (WHERE is_sale) AS units
    FROM gold.fact_sales
    GROUP BY country_key
)

SELECT
    c.country,
    c.iso2,
    c.region,
    b.revenue_gbp::DECIMAL(18, 2) AS revenue_gbp,
    coalesce(b.sales_gbp, 0)::DECIMAL(18, 2) AS sales_gbp,
    coalesce(b.orders, 0)::INTEGER AS orders,
    coalesce(b.customers, 0)::INTEGER AS customers,
    coalesce(b.units, 0)::BIGINT AS units,
    CASE WHEN b.orders > 0 THEN round(b.sales_gbp::DOUBLE / b.orders, 2) END::DECIMAL(18, 2) AS avg_order_value_gbp,
    round(b.revenue_gbp::DOUBLE / (sum(b.revenue_gbp) OVER ())::DOUBLE, 6)::DOUBLE AS revenue_share
FROM by_country AS b
JOIN gold.dim_country AS c USING (country_key)
ORDER BY b.revenue_gbp DESC, c.country
