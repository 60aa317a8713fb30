-- Daily KPIs. Definitions (docs/metrics.md): a sale line is not a cancellation and has a positive
-- quantity; revenue is net (sales minus cancellations and returns); orders count sale invoices.
WITH daily AS (
    SELECT
        date_key,
        sum(line_total_gbp) AS revenue_gbp,
        sum(line_total_gbp) FILTER (WHERE is_sale) AS sales_gbp,
        -sum(line_total_gbp) FILTER (WHERE NOT is_sale) AS returns_gbp,
        count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders,
        count(DISTINCT invoice_no) FILTER (WHERE is_cancellation) AS cancelled_invoices,
        count(DISTINCT customer_key) FILTER (WHERE is_sale AND NOT is_guest) AS customers,
        sum(quantity) FILTER (WHERE is_sale) AS units,
        count(*) AS lines
    FROM gold.fact_sales
    GROUP BY date_key
)

SELECT
    d.date_key,
    d.date,
    coalesce(x.revenue_gbp, 0)::DECIMAL(18, 2) AS revenue_gbp,
    coalesce(x.sales_gbp, 0)::DECIMAL(18, 2) AS sales_gbp,
    coalesce(x.returns_gbp, 0)::DECIMAL(18, 2) AS returns_gbp,
    coalesce(x.orders, 0)::INTEGER AS orders,
    coalesce(x.cancelled_invoices, 0)::INTEGER AS cancelled_invoices,
    coalesce(x.customers, 0)::INTEGER AS customers,
    coalesce(x.units, 0)::BIGINT AS units,
    coalesce(x.lines, 0)::INTEGER AS lines,
    CASE WHEN x.orders > 0 THEN round(x.sales_gbp::DOUBLE / x.orders, 2) END::DECIMAL(18, 2) AS avg_order_value_gbp,
    CASE WHEN x.sales_gbp > 0 THEN round(coalesce(x.returns_gbp, 0)::DOUBLE / x.sales_gbp::DOUBLE, 4) END::DOUBLE AS return_rate
FROM gold.dim_date AS d
LEFT JOIN daily AS x USING (date_key)
ORDER BY d.date
