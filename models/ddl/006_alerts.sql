-- Alerting: the current state of every alert (one per rule and label set), the append-only
-- history of its transitions and notices, and silences.
CREATE SEQUENCE IF NOT EXISTS meta.alert_event_seq START 1;

CREATE TABLE IF NOT EXISTS meta.alert_state (
  fingerprint    VARCHAR PRIMARY KEY,     -- sha256 of rule + labels, 16 hex
  rule           VARCHAR NOT NULL,
  severity       VARCHAR NOT NULL,        -- info | warning | critical
  labels         JSON NOT NULL,
  status         VARCHAR NOT NULL,        -- inactive | pending | firing | resolved
  active_since   TIMESTAMP,
  fired_at       TIMESTAMP,
  resolved_at    TIMESTAMP,
  value          DOUBLE,
  summary        VARCHAR NOT NULL,
  notified       VARCHAR,                 -- firing | resolved: the last notice delivered
  notified_at    TIMESTAMP,
  history        JSON NOT NULL,           -- recent values, oldest first
  evaluated_at   TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS meta.alert_events (
  event_id       BIGINT PRIMARY KEY DEFAULT nextval('meta.alert_event_seq'),
  occurred_at    TIMESTAMP NOT NULL,
  evaluation_id  VARCHAR NOT NULL,
  fingerprint    VARCHAR,
  rule           VARCHAR NOT NULL,
  severity       VARCHAR,
  labels         JSON,
  kind           VARCHAR NOT NULL,        -- pending | firing | resolved | cleared | notified | notify_failed | rule_error
  value          DOUBLE,
  summary        VARCHAR,
  detail         JSON                     -- notifier, group key, silence id, error
);

CREATE TABLE IF NOT EXISTS meta.alert_silences (
  silence_id     VARCHAR PRIMARY KEY,
  matchers       JSON NOT NULL,           -- label -> exact value; "rule" matches the rule name
  comment        VARCHAR NOT NULL,
  created_by     VARCHAR NOT NULL,
  created_at     TIMESTAMP NOT NULL,
  expires_at     TIMESTAMP NOT NULL,
  deleted_at     TIMESTAMP
);
