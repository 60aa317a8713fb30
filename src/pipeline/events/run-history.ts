/** Runs, steps and checks as the event log tells them: the one source of truth for run status. */
import type { WarehouseSession } from '../../engine/index.js';
import { StrataError } from '../../shared/index.js';
import type { RunRequest } from './event-types.js';

export type RunHistoryStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface RunSummary {
  readonly run_id: string;
  readonly command: string;
  readonly status: RunHistoryStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly error: string | null;
  readonly retry_of: string | null;
}

export interface StepSummary {
  readonly step_id: string;
  readonly asset: string;
  readonly status: 'running' | 'succeeded' | 'failed' | 'skipped';
  readonly attempts: number;
  readonly rows_written: number;
  readonly duration_ms: number | null;
  readonly error_code: string | null;
  readonly error: string | null;
  readonly reason: string | null;
}

export interface CheckSummary {
  readonly asset: string;
  readonly check: string;
  readonly severity: 'error' | 'warn';
  readonly passed: boolean;
  readonly failures: number;
}

export interface RunDetail extends RunSummary {
  readonly request: RunRequest;
  readonly steps: readonly StepSummary[];
  readonly checks: readonly CheckSummary[];
}

const RUNS_SQL = `
  WITH started AS (SELECT run_id, event_id, occurred_at AS started_at, detail FROM meta.events WHERE kind = 'run_started'),
  ended AS (
    SELECT run_id, arg_max(status, event_id) AS status, max(occurred_at) AS finished_at, arg_max(error, event_id) AS error
    FROM meta.events WHERE kind IN ('run_finished', 'run_interrupted') GROUP BY run_id)
  SELECT s.run_id, s.detail->>'command' AS command, coalesce(e.status, 'running') AS status,
         s.started_at::VARCHAR AS started_at, e.finished_at::VARCHAR AS finished_at,
         date_diff('millisecond', s.started_at, e.finished_at)::DOUBLE AS duration_ms, e.error, s.detail->>'retryOf' AS retry_of,
         s.detail::VARCHAR AS request
  FROM started s LEFT JOIN ended e USING (run_id)`;

/** The latest runs first. */
export async function listRunHistory(session: WarehouseSession, limit = 20): Promise<RunSummary[]> {
  const rows = await session.query<RunSummary & { request: string }>(`${RUNS_SQL} ORDER BY s.event_id DESC LIMIT $limit`, { limit });
  return rows.map(({ request: _request, ...run }) => run);
}

export async function showRun(session: WarehouseSession, runId: string): Promise<RunDetail> {
  const [row] = await session.query<RunSummary & { request: string }>(`${RUNS_SQL} WHERE s.run_id = $run_id`, { run_id: runId });
  if (!row) throw new StrataError('STRATA_ERR_NOT_FOUND', `no run ${runId} in the event log (see \`strata runs\`)`);
  const { request, ...run } = row;
  const steps = await session.query<StepSummary>(
    `SELECT step_id, any_value(asset) AS asset,
            coalesce(arg_max(status, event_id) FILTER (WHERE kind IN ('step_succeeded', 'step_failed', 'step_skipped')), 'running') AS status,
            coalesce(max(attempt) FILTER (WHERE kind = 'step_started'), 0)::INTEGER AS attempts,
            coalesce(sum(rows_written) FILTER (WHERE kind = 'rows_written'), 0)::DOUBLE AS rows_written,
            date_diff('millisecond', min(occurred_at) FILTER (WHERE kind = 'step_started'),
                      max(occurred_at) FILTER (WHERE kind IN ('step_succeeded', 'step_failed')))::DOUBLE AS duration_ms,
            arg_max(error_code, event_id) FILTER (WHERE kind = 'step_failed') AS error_code,
            arg_max(error, event_id) FILTER (WHERE kind = 'step_failed') AS error,
            arg_max(detail->>'reason', event_id) FILTER (WHERE kind = 'step_skipped') AS reason
     FROM meta.events WHERE run_id = $run_id AND step_id IS NOT NULL
     GROUP BY step_id ORDER BY min(event_id)`,
    { run_id: runId },
  );
  const checks = await session.query<CheckSummary>(
    `SELECT asset, detail->>'check' AS "check", detail->>'severity' AS severity, status = 'passed' AS passed, (detail->>'failures')::INTEGER AS failures
     FROM meta.events WHERE run_id = $run_id AND kind = 'check_evaluated' ORDER BY event_id`,
    { run_id: runId },
  );
  return { ...run, request: JSON.parse(request) as RunRequest, steps, checks };
}

/** Event id of each asset's latest materialisation: what the planner compares to find stale assets. */
export async function lastMaterializations(session: WarehouseSession): Promise<Record<string, number>> {
  const rows = await session.query<{ asset: string; event_id: number }>(
    `SELECT asset, max(event_id)::DOUBLE AS event_id FROM meta.events WHERE kind = 'asset_materialized' GROUP BY asset`,
  );
  return Object.fromEntries(rows.map((r) => [r.asset, r.event_id]));
}
