-- Layers and bookkeeping. Bronze, quality and meta are append-mostly; gold is rebuilt atomically.
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS reference;
CREATE SCHEMA IF NOT EXISTS bronze;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS silver;
CREATE SCHEMA IF NOT EXISTS gold;

CREATE TABLE IF NOT EXISTS meta.runs (
  run_id       VARCHAR PRIMARY KEY,
  command      VARCHAR NOT NULL,
  status       VARCHAR NOT NULL,          -- running | succeeded | failed | interrupted
  started_at   TIMESTAMP NOT NULL,
  finished_at  TIMESTAMP,
  duration_ms  BIGINT,
  error        VARCHAR,
  summary      JSON
);

CREATE TABLE IF NOT EXISTS meta.run_steps (
  run_id       VARCHAR NOT NULL,
  step         VARCHAR NOT NULL,
  status       VARCHAR NOT NULL,          -- succeeded | failed | skipped
  started_at   TIMESTAMP NOT NULL,
  finished_at  TIMESTAMP NOT NULL,
  duration_ms  BIGINT NOT NULL,
  rows_in      BIGINT,
  rows_out     BIGINT,
  error        VARCHAR,
  detail       JSON
);

CREATE TABLE IF NOT EXISTS meta.file_errors (
  run_id       VARCHAR NOT NULL,
  file_path    VARCHAR NOT NULL,
  code         VARCHAR NOT NULL,
  line         BIGINT,
  column_name  VARCHAR,
  message      VARCHAR NOT NULL,
  occurred_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS bronze.batches (
  batch_id            VARCHAR PRIMARY KEY,
  run_id              VARCHAR NOT NULL,
  source              VARCHAR NOT NULL,   -- csv | xlsx | http | stream
  file_path           VARCHAR,
  file_name           VARCHAR,
  content_hash        VARCHAR NOT NULL,
  bytes               BIGINT NOT NULL,
  encoding            VARCHAR NOT NULL,
  delimiter           VARCHAR NOT NULL,
  header              JSON NOT NULL,      -- column names exactly as in the file
  column_map          JSON NOT NULL,      -- canonical column -> source column
  schema_drift        JSON NOT NULL,      -- source columns kept in _extra
  date_order          VARCHAR,            -- iso | mdy | dmy
  date_order_source   VARCHAR,            -- detected | assumed | override
  lines_read          BIGINT NOT NULL,    -- physical lines after the header
  blank_lines         BIGINT NOT NULL,
  rows_in             BIGINT NOT NULL,    -- rows landed in bronze (parsed + unparseable)
  rows_unparseable    BIGINT NOT NULL,
  status              VARCHAR NOT NULL,   -- loaded | processed
  loaded_at           TIMESTAMP NOT NULL,
  processed_at        TIMESTAMP,
  rows_to_silver      BIGINT,
  rows_quarantined    BIGINT,
  rows_warned         BIGINT,
  duplicates_removed  BIGINT,
  quality_score       DOUBLE
);

CREATE TABLE IF NOT EXISTS bronze.transactions_raw (
  invoice_no    VARCHAR,
  stock_code    VARCHAR,
  description   VARCHAR,
  quantity      VARCHAR,
  invoice_date  VARCHAR,
  unit_price    VARCHAR,
  customer_id   VARCHAR,
  country       VARCHAR,
  _extra        JSON,                     -- columns beyond the canonical ones (schema drift)
  _parse_error  VARCHAR,                  -- set when the line could not be split into fields
  _raw_line     VARCHAR,                  -- the line as read, for unparseable lines
  _batch_id     VARCHAR NOT NULL,
  _source       VARCHAR NOT NULL,
  _file         VARCHAR NOT NULL,
  _line         BIGINT NOT NULL,
  _ingested_at  TIMESTAMP NOT NULL,
  _row_hash     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quality.check_results (
  run_id        VARCHAR NOT NULL,
  batch_id      VARCHAR,                  -- null for model checks
  target        VARCHAR NOT NULL,         -- bronze.transactions_raw or a model
  rule_id       VARCHAR NOT NULL,
  rule_kind     VARCHAR NOT NULL,
  severity      VARCHAR NOT NULL,         -- error | warn
  column_name   VARCHAR,
  rows_checked  BIGINT NOT NULL,
  rows_failed   BIGINT NOT NULL,
  passed        BOOLEAN NOT NULL,
  description   VARCHAR NOT NULL,
  evaluated_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS quality.quarantine (
  batch_id        VARCHAR NOT NULL,
  file            VARCHAR NOT NULL,
  line            BIGINT NOT NULL,
  rule_id         VARCHAR NOT NULL,
  column_name     VARCHAR,
  value           VARCHAR,
  reason          VARCHAR NOT NULL,
  row_hash        VARCHAR NOT NULL,
  quarantined_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.transactions (
  invoice_no       VARCHAR NOT NULL,
  stock_code       VARCHAR NOT NULL,
  description      VARCHAR,
  quantity         INTEGER NOT NULL,
  invoice_ts       TIMESTAMP NOT NULL,
  invoice_date     DATE NOT NULL,
  unit_price_gbp   DECIMAL(18, 4) NOT NULL,
  line_total_gbp   DECIMAL(18, 4) NOT NULL,
  customer_id      BIGINT,
  country          VARCHAR NOT NULL,
  country_code     VARCHAR,
  is_cancellation  BOOLEAN NOT NULL,
  is_return        BOOLEAN NOT NULL,
  is_non_product   BOOLEAN NOT NULL,
  is_guest         BOOLEAN NOT NULL,
  dq_warnings      VARCHAR[] NOT NULL,
  transaction_key  VARCHAR NOT NULL,       -- hash of the typed business columns: equal keys are exact duplicates
  batch_id         VARCHAR NOT NULL,
  source_file      VARCHAR NOT NULL,
  source_line      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS silver.duplicates (
  batch_id         VARCHAR NOT NULL,
  source_file      VARCHAR NOT NULL,
  source_line      BIGINT NOT NULL,
  transaction_key  VARCHAR NOT NULL,
  kept_batch_id    VARCHAR NOT NULL,
  kept_line        BIGINT NOT NULL
);
