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
