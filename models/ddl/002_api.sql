-- API principals, credentials and the audit trail. Secrets are stored only as hashes.
CREATE SCHEMA IF NOT EXISTS api;

CREATE TABLE IF NOT EXISTS api.users (
  user_name      VARCHAR PRIMARY KEY,
  password_hash  VARCHAR NOT NULL,        -- scrypt$N$r$p$salt$hash (base64url)
  role           VARCHAR NOT NULL,        -- viewer | analyst | engineer | admin
  created_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS api.refresh_tokens (
  token_hash     VARCHAR PRIMARY KEY,     -- sha256 of the token
  user_name      VARCHAR NOT NULL,
  issued_at      TIMESTAMP NOT NULL,
  expires_at     TIMESTAMP NOT NULL,
  revoked_at     TIMESTAMP
);

CREATE TABLE IF NOT EXISTS api.keys (
  key_id         VARCHAR PRIMARY KEY,
  key_hash       VARCHAR NOT NULL,        -- sha256 of the secret part
  name           VARCHAR NOT NULL,
  role           VARCHAR NOT NULL,
  created_by     VARCHAR,
  created_at     TIMESTAMP NOT NULL,
  revoked_at     TIMESTAMP
);

CREATE TABLE IF NOT EXISTS api.idempotency_keys (
  principal      VARCHAR NOT NULL,
  idem_key       VARCHAR NOT NULL,
  request_hash   VARCHAR NOT NULL,
  status         VARCHAR NOT NULL,        -- in_progress | done
  response       JSON,
  created_at     TIMESTAMP NOT NULL,
  PRIMARY KEY (principal, idem_key)
);

CREATE TABLE IF NOT EXISTS api.audit_log (
  audit_id       VARCHAR PRIMARY KEY,
  occurred_at    TIMESTAMP NOT NULL,
  actor          VARCHAR NOT NULL,        -- user:<name> or key:<id>
  action         VARCHAR NOT NULL,        -- customer.export | customer.erase | user.add | ...
  subject        VARCHAR,
  detail         JSON
);
