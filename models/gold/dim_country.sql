-- Countries seen in sales, normalised through reference.countries (EIRE -> Ireland, RSA -> South Africa).
-- The key is derived from the country itself (the first 28 bits of the md5 of its name), never
-- from the other countries, so a new country adds a row and renumbers nothing: the fact_sales
-- partitions built before stay valid. A collision would fail the unique(country_key) check.
-- The seven hex digits are read with position() and arithmetic, which DuckDB and PostgreSQL
-- compute alike (a '0x' cast works in DuckDB only).
WITH seen AS (
    SELECT DISTINCT country FROM silver.transactions
),

described AS (
    SELECT
        s.country,
        any_value(r.iso2) AS iso2,
        coalesce(any_value(r.region), 'Unknown') AS region,
        md5(s.country) AS h
    FROM seen AS s
    LEFT JOIN reference.countries AS r ON r.country = s.country
    GROUP BY s.country
)

SELECT
    (
        (position(substr(h, 1, 1) IN '0123456789abcdef') - 1) * 16777216
        + (position(substr(h, 2, 1) IN '0123456789abcdef') - 1) * 1048576
        + (position(substr(h, 3, 1) IN '0123456789abcdef') - 1) * 65536
        + (position(substr(h, 4, 1) IN '0123456789abcdef') - 1) * 4096
        + (position(substr(h, 5, 1) IN '0123456789abcdef') - 1) * 256
        + (position(substr(h, 6, 1) IN '0123456789abcdef') - 1) * 16
        + (position(substr(h, 7, 1) IN '0123456789abcdef') - 1) * 1
    )::INTEGER AS country_key,
    country,
    iso2,
    region
FROM described
ORDER BY country
