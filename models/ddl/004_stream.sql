-- Streaming ingestion (NATS JetStream). Every message the consumer settled, by stream sequence:
-- the de-duplication record, written in the same transaction as the bronze rows it produced.
CREATE SCHEMA IF NOT EXISTS stream;

CREATE TABLE IF NOT EXISTS stream.messages (
  stream_name   VARCHAR NOT NULL,
  stream_seq    BIGINT NOT NULL,
  event_id      VARCHAR NOT NULL,         -- the event's id (Nats-Msg-Id for poison without one)
  outcome       VARCHAR NOT NULL,         -- loaded | dead_letter | duplicate
  batch_id      VARCHAR,                  -- bronze batch holding the row; null for duplicates
  reason        VARCHAR,                  -- why a message was dead-lettered
  deliveries    INTEGER NOT NULL,         -- delivery count when it was settled
  published_at  TIMESTAMP,                -- when JetStream stored it
  applied_at    TIMESTAMP NOT NULL,
  PRIMARY KEY (stream_name, stream_seq)
);

-- Speed layer: event-time windows over the stream, updated in the same transaction as bronze.
-- The watermark is the latest event time seen; a window stays open until the watermark passes
-- its end by the allowed lateness. Events for windows already closed are not dropped: they are
-- counted and kept in stream.late_events.
CREATE TABLE IF NOT EXISTS stream.window_events (
  stream_name     VARCHAR NOT NULL,
  stream_seq      BIGINT NOT NULL,
  event_time      TIMESTAMP NOT NULL,
  country         VARCHAR NOT NULL,
  invoice_no      VARCHAR NOT NULL,
  line_total_gbp  DECIMAL(18, 4) NOT NULL,
  is_late         BOOLEAN NOT NULL          -- arrived behind the watermark, within the allowed lateness
);

CREATE TABLE IF NOT EXISTS stream.window_sales (
  stream_name     VARCHAR NOT NULL,
  window_kind     VARCHAR NOT NULL,         -- tumbling_1m | sliding_5m (5-minute windows every minute)
  window_start    TIMESTAMP NOT NULL,
  window_end      TIMESTAMP NOT NULL,
  country         VARCHAR NOT NULL,
  revenue_gbp     DECIMAL(18, 4) NOT NULL,
  orders          BIGINT NOT NULL,          -- distinct invoices, cancellations excluded
  lines           BIGINT NOT NULL,
  late_lines      BIGINT NOT NULL,
  updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS stream.watermarks (
  stream_name     VARCHAR PRIMARY KEY,
  watermark       TIMESTAMP NOT NULL,
  updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS stream.late_events (
  stream_name     VARCHAR NOT NULL,
  stream_seq      BIGINT NOT NULL,
  event_time      TIMESTAMP NOT NULL,
  watermark       TIMESTAMP NOT NULL,
  country         VARCHAR NOT NULL,
  line_total_gbp  DECIMAL(18, 4) NOT NULL,
  recorded_at     TIMESTAMP NOT NULL
);
