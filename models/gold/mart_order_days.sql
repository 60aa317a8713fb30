-- Which sale invoices happened on which day in which country: orders over any window are a
-- distinct count over this (tens of thousands of rows) rather than over every invoice line.
SELECT DISTINCT
    f.date_key,
    d.date,
    f.country_key,
    f.invoice_no
FROM gold.fact_sales AS f
JOIN gold.dim_date AS d USING (date_key)
WHERE f.is_sale
ORDER BY f.date_key, f.country_key, f.invoice_no
