-- Rows of the typed stage that broke no `error` rule, in ingest order, with the flags analysts
-- filter on. Exact duplicates (equal transaction_key) are removed by the silver step.
WITH accepted AS (
    SELECT t.*
    FROM _typed AS t
    ANTI JOIN _error_lines AS e ON e.batch_id = t.batch_id AND e.line = t.line
),

warnings AS (
    SELECT v.batch_id, v.line, list(v.rule_id ORDER BY v.rule_id) AS dq_warnings
    FROM _violations AS v
    JOIN _rules AS r USING (rule_id)
    WHERE r.severity = 'warn' AND r.rule_id <> 'line_unique'
    GROUP BY 1, 2
),

flagged AS (
    SELECT
        a.invoice_no,
        a.stock_code,
        a.description,
        a.quantity,
        a.invoice_date AS invoice_ts,
        a.invoice_date::DATE AS invoice_date,
        a.unit_price AS unit_price_gbp,
        (a.quantity * a.unit_price)::DECIMAL(18, 4) AS line_total_gbp,
        a.customer_id,
        a.country,
        a.country_code,
        upper(a.invoice_no) LIKE 'C%' AS is_cancellation,
        a.quantity < 0 AS is_return,
        EXISTS (SELECT 1 FROM reference.non_product_codes AS n WHERE upper(a.stock_code) LIKE upper(n.pattern)) AS is_non_product,
        a.customer_id IS NULL AS is_guest,
        coalesce(w.dq_warnings, []::VARCHAR[]) AS dq_warnings,
        a.transaction_key,
        a.batch_id,
        a.file AS source_file,
        a.line AS source_line,
        a.batch_order
    FROM accepted AS a
    LEFT JOIN warnings AS w ON w.batch_id = a.batch_id AND w.line = a.line
)

SELECT *, row_number() OVER (PARTITION BY transaction_key ORDER BY batch_order, source_line) AS occurrence
FROM flagged
