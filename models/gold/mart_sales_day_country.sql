-- Additive sales figures per day and country, so KPIs and time series over any window, grain and
-- country sum a few thousand rows instead of scanning fact_sales. Money keeps fact_sales' full
-- precision (no rounding here): sums of these equal sums over the lines exactly. Distinct counts
-- over longer windows are not additive: they come from mart_order_days and mart_customer_days.
-- Definitions as mart_daily_sales (docs/metrics.md): a sale line is not a cancellation and has a
-- positive quantity.
SELECT
    f.date_key,
    d.date,
    f.country_key,
    sum(f.line_total_gbp) AS revenue_gbp,
    coalesce(sum(f.line_total_gbp) FILTER (WHERE f.is_sale), 0) AS sales_gbp,
    coalesce(sum(f.line_total_gbp) FILTER (WHERE NOT f.is_sale), 0) AS non_sales_gbp,
    coalesce(sum(f.quantity) FILTER (WHERE f.is_sale), 0)::BIGINT AS units,
    count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale)::INTEGER AS orders,
    count(DISTINCT f.customer_key) FILTER (WHERE f.is_sale AND NOT f.is_guest)::INTEGER AS customers,
    count(*)::INTEGER AS lines
FROM gold.fact_sales AS f
JOIN gold.dim_date AS d USING (date_key)
GROUP BY f.date_key, d.date, f.country_key
ORDER BY f.date_key, f.country_key
