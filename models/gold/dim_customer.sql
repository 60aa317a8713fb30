-- Known customers plus one "Guest" member (customer_key -1) for purchases without a customer id.
WITH customer_lines AS (
    SELECT customer_id, country, invoice_ts, invoice_no, NOT is_cancellation AND quantity > 0 AS is_sale
    FROM silver.transactions
    WHERE customer_id IS NOT NULL
),

home_country AS (
    -- The country of most lines; ties go to the first country by name, so rebuilds agree.
    SELECT customer_id, country
    FROM (
        SELECT customer_id, country, row_number() OVER (PARTITION BY customer_id ORDER BY count(*) DESC, country) AS pick
        FROM customer_lines
        GROUP BY customer_id, country
    ) AS ranked
    WHERE pick = 1
),

activity AS (
    SELECT
        customer_id,
        min(invoice_ts) AS first_invoice_ts,
        max(invoice_ts) AS last_invoice_ts,
        count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders
    FROM customer_lines
    GROUP BY 1
)

SELECT
    a.customer_id AS customer_key,
    a.customer_id,
    false AS is_guest,
    h.country,
    a.first_invoice_ts,
    a.last_invoice_ts,
    a.orders::INTEGER AS orders
FROM activity AS a
JOIN home_country AS h USING (customer_id)

UNION ALL

SELECT -1, NULL, true, NULL, NULL, NULL, NULL
ORDER BY customer_key
