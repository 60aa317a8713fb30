-- Monthly acquisition cohorts: of the customers whose first sale fell in a month, how many bought
-- again N whole months later.
WITH sale_months AS (
    SELECT DISTINCT customer_key AS customer_id, date_trunc('month', invoice_ts)::DATE AS activity_month
    FROM gold.fact_sales
    WHERE is_sale AND NOT is_guest
),

cohorts AS (
    SELECT customer_id, min(activity_month) AS cohort_month
    FROM sale_months
    GROUP BY 1
),

sizes AS (
    SELECT cohort_month, count(*) AS cohort_size FROM cohorts GROUP BY 1
),

activity AS (
    SELECT
        c.cohort_month,
        datediff('month', c.cohort_month, s.activity_month)::INTEGER AS months_since_first,
        count(*) AS active_customers
    FROM sale_months AS s
    JOIN cohorts AS c USING (customer_id)
    GROUP BY 1, 2
)

SELECT
    a.cohort_month,
    a.months_since_first,
    s.cohort_size::INTEGER AS cohort_size,
    a.active_customers::INTEGER AS active_customers,
    round(a.active_customers::DOUBLE / s.cohort_size, 4)::DOUBLE AS retention_rate
FROM activity AS a
JOIN sizes AS s USING (cohort_month)
ORDER BY a.cohort_month, a.months_since_first
