-- Rows of the typed stage that broke no `error` rule, with the flags analysts filter on, one per
-- transaction_key. The silver step also drops keys silver already holds (duplicates across batches).
-- (A join, not NOT EXISTS: the engine turned that into an anti join that hashed every stage row
-- to probe the few error lines.)
WITH accepted AS (
    SELECT t.*
    FROM _typed AS t
    LEFT JOIN _error_lines AS e ON e.batch_id = t.batch_id AND e.line = t.line
    WHERE e.line IS NULL
),

-- Classify each distinct stock code once, not each row against every pattern. (Codes of the
-- whole stage: reading `accepted` twice would make the engine keep a copy of it.)
non_product_codes AS (
    SELECT DISTINCT a.stock_code
    FROM (SELECT DISTINCT stock_code FROM _typed) AS a
    JOIN reference.non_product_codes AS n ON upper(a.stock_code) LIKE upper(n.pattern)
),

warnings AS (
    SELECT v.batch_id, v.line, list(v.rule_id ORDER BY v.rule_id) AS dq_warnings
    FROM _violations AS v
    JOIN _rules AS r USING (rule_id)
    WHERE r.severity = 'warn'
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
        np.stock_code IS NOT NULL AS is_non_product,
        a.customer_id IS NULL AS is_guest,
        coalesce(w.dq_warnings, []::VARCHAR[]) AS dq_warnings,
        a.transaction_key,
        a.batch_id,
        a.file AS source_file,
        a.line AS source_line,
        a.batch_order
    FROM accepted AS a
    LEFT JOIN warnings AS w ON w.batch_id = a.batch_id AND w.line = a.line
    LEFT JOIN non_product_codes AS np ON np.stock_code = a.stock_code
),

-- The first occurrence of each transaction wins; later ones are exact duplicates. Only keys seen
-- more than once need a winner, so this is a grouping, not a sort of every row by key, and it is
-- done in two steps so that no step groups every row by its 32-character key: a 64-bit hash of
-- the key over every row first (`_repeated_hashes`, built by the silver step, which also finds
-- the duplicates with it), then the key itself only for the few rows whose hash repeats
-- (every repeated key has a repeated hash, so this is exact; a collision costs a few more rows
-- in the second step, nothing else). A place is (batch_order, line) packed into one BIGINT (lines
-- stay below 2^32), which orders as the pair does and which both engines compare (no struct
-- values on PostgreSQL).
repeated AS (
    SELECT t.transaction_key, min(t.batch_order * 4294967296 + t.line) AS first_place
    FROM _typed AS t
    JOIN _repeated_hashes AS h ON h.key_hash = hash(t.transaction_key)
    WHERE NOT EXISTS (SELECT 1 FROM _error_lines AS e WHERE e.batch_id = t.batch_id AND e.line = t.line)
    GROUP BY t.transaction_key
    HAVING count(*) > 1
)

SELECT
    f.invoice_no, f.stock_code, f.description, f.quantity, f.invoice_ts, f.invoice_date, f.unit_price_gbp, f.line_total_gbp,
    f.customer_id, f.country, f.country_code, f.is_cancellation, f.is_return, f.is_non_product, f.is_guest, f.dq_warnings,
    f.transaction_key, f.batch_id, f.source_file, f.source_line
FROM flagged AS f
-- A plain join (repeated holds one row per key): a correlated NOT EXISTS here became a delim join
-- that kept a copy of every flagged row.
LEFT JOIN repeated AS r ON r.transaction_key = f.transaction_key
WHERE r.first_place IS NULL OR r.first_place = f.batch_order * 4294967296 + f.source_line
