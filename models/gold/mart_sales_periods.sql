-- The sales measures per ISO week, month and quarter, per country and for all countries together
-- (country_key NULL), so a time series reads one row per whole bucket. Distinct orders and
-- customers per bucket are counted over the per-day presence marts, never summed across days or
-- countries (a customer who buys in two weeks is one customer of their month). Money at full
-- precision, as mart_sales_day_country. Buckets cut by the edge of a requested window are
-- computed from the per-day marts instead (src/analytics/timeseries.ts).
WITH grains AS (
    SELECT unnest(['week', 'month', 'quarter']) AS grain
),

sums AS (
    SELECT
        g.grain,
        date_trunc(g.grain, m.date)::DATE AS period_start,
        m.country_key,
        sum(m.revenue_gbp) AS revenue_gbp,
        sum(m.sales_gbp) AS sales_gbp,
        sum(m.non_sales_gbp) AS non_sales_gbp,
        sum(m.units)::BIGINT AS units,
        sum(m.lines)::BIGINT AS lines
    FROM gold.mart_sales_day_country AS m
    CROSS JOIN grains AS g
    GROUP BY GROUPING SETS ((g.grain, period_start, m.country_key), (g.grain, period_start))
),

orders AS (
    SELECT
        g.grain,
        date_trunc(g.grain, o.date)::DATE AS period_start,
        o.country_key,
        count(DISTINCT o.invoice_no)::INTEGER AS orders
    FROM gold.mart_order_days AS o
    CROSS JOIN grains AS g
    GROUP BY GROUPING SETS ((g.grain, period_start, o.country_key), (g.grain, period_start))
),

customers AS (
    SELECT
        g.grain,
        date_trunc(g.grain, c.date)::DATE AS period_start,
        c.country_key,
        count(DISTINCT c.customer_key)::INTEGER AS customers
    FROM gold.mart_customer_days AS c
    CROSS JOIN grains AS g
    GROUP BY GROUPING SETS ((g.grain, period_start, c.country_key), (g.grain, period_start))
)

SELECT
    s.grain,
    s.period_start,
    s.country_key,
    s.revenue_gbp,
    s.sales_gbp,
    s.non_sales_gbp,
    s.units,
    coalesce(o.orders, 0)::INTEGER AS orders,
    coalesce(c.customers, 0)::INTEGER AS customers,
    s.lines
FROM sums AS s
LEFT JOIN orders AS o
    ON o.grain = s.grain AND o.period_start = s.period_start AND o.country_key IS NOT DISTINCT FROM s.country_key
LEFT JOIN customers AS c
    ON c.grain = s.grain AND c.period_start = s.period_start AND c.country_key IS NOT DISTINCT FROM s.country_key
ORDER BY s.grain, s.period_start, s.country_key NULLS FIRST
