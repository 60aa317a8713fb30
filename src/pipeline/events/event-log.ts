/**
 * The append-only event log (meta.events): rows are only inserted, never updated, and run status
 * is derived from them. Events that prove a materialisation are written in the same transaction
 * as the data, so after a crash the log never claims what did not commit.
 */
import type { WarehouseSession } from '../../engine/index.js';
import type { PipelineEvent } from './event-types.js';

interface EventRow {
  readonly run_id: string;
  readonly kind: string;
  readonly step_id: string | null;
  readonly asset: string | null;
  readonly partition_key: string | null;
  readonly attempt: number | null;
  readonly status: string | null;
  readonly rows_written: number | null;
  readonly error_code: string | null;
  readonly error: string | null;
  readonly detail: unknown;
}

function toRow(event: PipelineEvent): EventRow {
  const base = { run_id: event.runId, kind: event.kind, step_id: null, asset: null, partition_key: null, attempt: null, status: null, rows_written: null, error_code: null, error: null, detail: null };
  switch (event.kind) {
    case 'run_started':
      return { ...base, detail: event.detail };
    case 'step_started':
      return { ...base, step_id: event.stepId, asset: event.asset, attempt: event.attempt };
    case 'step_retrying':
      return { ...base, step_id: event.stepId, asset: event.asset, attempt: event.attempt, error_code: event.errorCode, error: event.error, detail: { delay_ms: event.delayMs } };
    case 'check_evaluated':
      return { ...base, step_id: event.stepId, asset: event.asset, status: event.passed ? 'passed' : 'failed', detail: { check: event.check, severity: event.severity, failures: event.failures } };
    case 'rows_written':
      return { ...base, step_id: event.stepId, asset: event.asset, partition_key: event.partition, rows_written: event.rows };
    case 'asset_materialized':
      return { ...base, step_id: event.stepId, asset: event.asset, rows_written: event.rows, detail: event.detail ?? null };
    case 'step_succeeded':
      return { ...base, step_id: event.stepId, asset: event.asset, attempt: event.attempts, status: 'succeeded', detail: { changed: event.changed, ...(event.worker ? { worker: event.worker } : {}) } };
    case 'step_skipped':
      return { ...base, step_id: event.stepId, asset: event.asset, status: 'skipped', detail: { reason: event.reason } };
    case 'step_failed':
      return { ...base, step_id: event.stepId, asset: event.asset, attempt: event.attempts, status: 'failed', error_code: event.errorCode, error: event.error };
    case 'run_finished':
      return { ...base, status: event.status, error: event.error };
    case 'run_interrupted':
      return { ...base, status: 'interrupted' };
  }
}

/** Appends `events` in order, in one statement. */
export async function appendEvents(session: WarehouseSession, events: readonly PipelineEvent[]): Promise<void> {
  if (!events.length) return;
  // One JSON parameter for the whole batch; rows keep the list's order, so do the sequence numbers.
  await session.execute(
    `INSERT INTO meta.events (run_id, occurred_at, kind, step_id, asset, partition_key, attempt, status, rows_written, error_code, error, detail)
     SELECT j->>'run_id', now(), j->>'kind', j->>'step_id', j->>'asset', j->>'partition_key', (j->>'attempt')::INTEGER, j->>'status',
            (j->>'rows_written')::BIGINT, j->>'error_code', j->>'error', CASE WHEN json_type(j->'detail') = 'NULL' THEN NULL ELSE j->'detail' END
     FROM (SELECT i, json_extract($events::JSON, '$[' || i || ']') AS j FROM range(json_array_length($events::JSON)::BIGINT) t(i))
     ORDER BY i`,
    { events: JSON.stringify(events.map(toRow)) },
  );
}
