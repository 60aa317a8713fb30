-- One row per stock code, with its most used description and whether it is a real product.
WITH lines AS (
    SELECT stock_code, description, unit_price_gbp, invoice_ts, is_non_product
    FROM silver.transactions
),

descriptions AS (
    -- The most used description; ties go to the first by name, so rebuilds agree.
    SELECT stock_code, description
    FROM (
        SELECT stock_code, description, row_number() OVER (PARTITION BY stock_code ORDER BY count(*) DESC, description) AS pick
        FROM lines WHERE description IS NOT NULL
        GROUP BY stock_code, description
    ) AS ranked
    WHERE pick = 1
)

SELECT
    l.stock_code AS product_key,
    l.stock_code,
    d.description,
    bool_or(l.is_non_product) AS is_non_product,
    median(l.unit_price_gbp) FILTER (WHERE l.unit_price_gbp > 0)::DECIMAL(18, 4) AS typical_unit_price_gbp,
    min(l.invoice_ts) AS first_sold_ts,
    max(l.invoice_ts) AS last_sold_ts
FROM lines AS l
LEFT JOIN descriptions AS d USING (stock_code)
GROUP BY l.stock_code, d.description
ORDER BY product_key
