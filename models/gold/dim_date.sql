-- One row per calendar day from the first to the last sale day, gaps included.
WITH bounds AS (
    SELECT min(invoice_date) AS first_day, max(invoice_date) AS last_day
    FROM silver.transactions
),

days AS (
    SELECT g.day::DATE AS date
    FROM bounds, generate_series(first_day, last_day, INTERVAL '1 day') AS g(day)
    WHERE first_day IS NOT NULL
)

SELECT
    (year(date) * 10000 + month(date) * 100 + day(date))::INTEGER AS date_key,
    date,
    year(date)::INTEGER AS year,
    quarter(date)::INTEGER AS quarter,
    month(date)::INTEGER AS month,
    monthname(date) AS month_name,
    date_trunc('month', date)::DATE AS month_start,
    isoyear(date)::INTEGER AS iso_year,
    week(date)::INTEGER AS iso_week,
    isodow(date)::INTEGER AS iso_day_of_week,
    dayname(date) AS day_name,
    isodow(date) >= 6 AS is_weekend
FROM days
ORDER BY date
