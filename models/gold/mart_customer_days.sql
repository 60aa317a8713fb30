-- Which known (non-guest) customers bought on which day in which country: distinct customers per
-- week, month, quarter or any window are a distinct count over this instead of over fact_sales.
SELECT DISTINCT
    f.date_key,
    d.date,
    f.country_key,
    f.customer_key
FROM gold.fact_sales AS f
JOIN gold.dim_date AS d USING (date_key)
WHERE f.is_sale AND NOT f.is_guest
ORDER BY f.date_key, f.country_key, f.customer_key
