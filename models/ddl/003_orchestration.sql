-- Orchestration: the append-only event log, the source of truth for runs, steps, checks and
-- asset materialisations. Rows are only ever inserted; run status is derived from them.
CREATE SEQUENCE IF NOT EXISTS meta.event_seq START 1;

CREATE TABLE IF NOT EXISTS meta.events (
  event_id       BIGINT PRIMARY KEY DEFAULT nextval('meta.event_seq'),
  run_id         VARCHAR NOT NULL,
  occurred_at    TIMESTAMP NOT NULL,
  kind           VARCHAR NOT NULL,        -- run_started | step_started | check_evaluated | rows_written | asset_materialized | step_succeeded | step_skipped | step_failed | run_finished | run_interrupted
  step_id        VARCHAR,                 -- e.g. ingest, quality_silver, gold.fact_sales
  asset          VARCHAR,
  partition_key  VARCHAR,                 -- day (YYYY-MM-DD) or file, for partitioned assets
  attempt        INTEGER,
  status         VARCHAR,                 -- run_finished: succeeded | partial | failed; check_evaluated: passed | failed
  rows_written   BIGINT,
  error_code     VARCHAR,
  error          VARCHAR,
  detail         JSON
);
