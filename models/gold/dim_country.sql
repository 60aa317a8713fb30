-- Countries seen in sales, normalised through reference.countries (EIRE -> Ireland, RSA -> South Africa).
-- The key is derived from the country itself (the first 28 bits of the md5 of its name), never
-- from the other countries, so a new country adds a row and renumbers nothing: the fact_sales
-- partitions built before stay valid. A collision would fail the unique(country_key) check.
-- (PostgreSQL: ('x' || lpad(left(md5(country), 7), 8, '0'))::bit(32)::integer.)
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
    ('0x' || left(md5(country), 7))::INTEGER AS country_key,
    country,
    iso2,
    region
FROM described
ORDER BY country
