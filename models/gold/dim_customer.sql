-- Known customers plus one "Guest" member (customer_key -1) for purchases without a customer id.
WITH customer_lines AS (
    SELECT customer_id, country, invoice_ts, invoice_no, is_cancellation
    FROM silver.transactions
    WHERE customer_id IS NOT NULL
),

home_country AS (
    SELECT customer_id, arg_max(country, lines) AS country
    FROM (SELECT customer_id, country, count(*) AS lines FROM customer_lines GROUP BY 1, 2)
    GROUP BY 1
),

activity AS (
    SELECT
        customer_id,
        min(invoice_ts) AS first_invoice_ts,
        max(invoice_ts) AS last_invoice_ts,
        count(DISTINCT invoice_no) FILTER (WHERE NOT is_cancellation) AS orders
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
