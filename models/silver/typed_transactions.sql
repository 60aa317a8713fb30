-- The typed stage of every bronze row whose batch is waiting for quality and silver.
-- Raw text is kept beside each typed column (`*_raw`) so rules can tell "missing" from "malformed".
WITH pending_batches AS (
    SELECT batch_id, date_order,
           row_number() OVER (ORDER BY loaded_at, file_path, batch_id) AS batch_order
    FROM bronze.batches
    WHERE status = 'loaded'
),

source AS (
    SELECT r.*, b.date_order, b.batch_order
    FROM bronze.transactions_raw AS r
    JOIN pending_batches AS b ON b.batch_id = r._batch_id
),

renamed AS (
    SELECT
        _batch_id AS batch_id,
        batch_order,
        _file AS file,
        _line AS line,
        _row_hash AS row_hash,
        _parse_error,
        date_order,
        nullif(trim(invoice_no), '') AS invoice_no_raw,
        nullif(trim(stock_code), '') AS stock_code_raw,
        nullif(trim(description), '') AS description_raw,
        nullif(trim(quantity), '') AS quantity_raw,
        nullif(trim(invoice_date), '') AS invoice_date_raw,
        nullif(trim(unit_price), '') AS unit_price_raw,
        nullif(trim(customer_id), '') AS customer_id_raw,
        nullif(trim(country), '') AS country_raw
    FROM source
),

parsed AS (
    SELECT
        *,
        TRY_CAST(quantity_raw AS DECIMAL(18, 4)) AS quantity_decimal,
        -- Prices as exported by shops: "2.55", "£2.55", "2,55" (decimal comma). No per-row regex.
        -- "1,250" alone may mean 1.25 or 1250: left unparseable (so quarantined), never guessed.
        CASE
            WHEN NOT contains(unit_price_raw, '.') AND strpos(unit_price_raw, ',') > 0
                 AND length(unit_price_raw) - strpos(unit_price_raw, ',') = 3
                 AND ltrim(split_part(unit_price_raw, ',', 1), '£$€- ') NOT IN ('', '0') THEN NULL
            ELSE TRY_CAST(
                replace(
                    CASE WHEN left(unit_price_raw, 1) IN ('£', '$', '€') THEN ltrim(substr(unit_price_raw, 2)) ELSE unit_price_raw END,
                    ',', CASE WHEN contains(unit_price_raw, '.') THEN '' ELSE '.' END
                ) AS DECIMAL(18, 4)
            )
        END AS unit_price_gbp,
        TRY_CAST(customer_id_raw AS DOUBLE) AS customer_id_double,
        CASE date_order
            WHEN 'mdy' THEN try_strptime(translate(invoice_date_raw, '.-', '//'),
                ['%m/%d/%y %H:%M', '%m/%d/%Y %H:%M', '%m/%d/%y %H:%M:%S', '%m/%d/%Y %H:%M:%S', '%m/%d/%y', '%m/%d/%Y'])
            WHEN 'dmy' THEN try_strptime(translate(invoice_date_raw, '.-', '//'),
                ['%d/%m/%y %H:%M', '%d/%m/%Y %H:%M', '%d/%m/%y %H:%M:%S', '%d/%m/%Y %H:%M:%S', '%d/%m/%y', '%d/%m/%Y'])
            ELSE TRY_CAST(invoice_date_raw AS TIMESTAMP)
        END AS invoice_ts
    FROM renamed
),

typed AS (
    SELECT
        p.*,
        CASE WHEN quantity_decimal = trunc(quantity_decimal) AND abs(quantity_decimal) < 1000000000
             THEN quantity_decimal::INTEGER END AS quantity,
        p.invoice_ts AS invoice_date,
        p.unit_price_gbp AS unit_price,
        CASE WHEN customer_id_double = floor(customer_id_double) AND customer_id_double BETWEEN 0 AND 9e15
             THEN customer_id_double::BIGINT END AS customer_id,
        coalesce(c.country, p.country_raw, 'Unspecified') AS country,
        c.iso2 AS country_code
    FROM parsed AS p
    LEFT JOIN reference.countries AS c ON lower(c.alias) = lower(p.country_raw)
)

-- Only what rules and silver read: the text columns' typed values equal their raw ones, so they are
-- stored once (evaluate.ts names them both in the view `_typed`), and the parse intermediates stay
-- out. Each column written costs, and this stage holds every pending row.
SELECT
    batch_id, batch_order, file, line, row_hash, _parse_error,
    invoice_no_raw, stock_code_raw, description_raw, quantity_raw, invoice_date_raw, unit_price_raw, customer_id_raw, country_raw,
    quantity, invoice_date, unit_price, customer_id, country, country_code,
    md5(concat_ws(chr(31), invoice_no_raw, stock_code_raw, coalesce(description_raw, chr(30)), quantity::VARCHAR,
        strftime(invoice_date, '%Y-%m-%d %H:%M:%S'), unit_price::VARCHAR, coalesce(customer_id::VARCHAR, chr(30)), country))
        AS transaction_key
FROM typed
