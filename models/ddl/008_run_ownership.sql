-- Runs are owned by the orchestrator process that started them (owner_id: host, pid and a random
-- part), which refreshes heartbeat_at while they run. A running run whose heartbeat is older than
-- STRATA_RUN_HEARTBEAT_EXPIRY_MS, or that has no owner (started before this migration), is dead:
-- the next orchestrator marks it interrupted. TIMESTAMPTZ, so the comparison never depends on a
-- session's time zone; heartbeats use the warehouse's clock, never a process's.
ALTER TABLE meta.runs ADD COLUMN owner_id VARCHAR;
ALTER TABLE meta.runs ADD COLUMN heartbeat_at TIMESTAMPTZ;
