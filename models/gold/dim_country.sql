-- Countries seen in sales, normalised through reference.countries (EIRE -> Ireland, RSA -> South Africa).
WITH seen AS (
    SELECT DISTINCT country FROM silver.transactions
),

described AS (
    SELECT
        s.country,
        any_value(r.iso2) AS iso2,
        coalesce(any_value(r.region), 'Unknown') AS region
    FROM seen AS s
    LEFT JOIN reference.countries AS r ON r.country = s.country
    GROUP BY s.country
)

SELECT
    row_number() OVER (ORDER BY country)::INTEGER AS country_key,
    country,
    iso2,
    region
FROM described
ORDER BY country_key
