/** Run history in the warehouse: every run and step, with durations, row counts and outcome. */
import type { Warehouse } from '../engine/index.js';
import { newId } from '../shared/index.js';

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted';

export interface StepRecord {
  readonly step: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly error?: string;
  readonly detail?: unknown;
}

/** A run left `running` means its process died (one writer per file): mark it so. */
export async function markInterruptedRuns(warehouse: Warehouse): Promise<number> {
  // The event log is append-only: an interrupted run gets an event, nothing is rewritten.
  await warehouse.execute(
    `INSERT INTO meta.events (run_id, occurred_at, kind, status)
     SELECT s.run_id, now(), 'run_interrupted', 'interrupted' FROM meta.events s
     WHERE s.kind = 'run_started'
       AND NOT EXISTS (SELECT 1 FROM meta.events e WHERE e.run_id = s.run_id AND e.kind IN ('run_finished', 'run_interrupted'))
     ORDER BY s.event_id`,
  );
  const rows = await warehouse.query<{ n: number }>(
    `UPDATE meta.runs SET status = 'interrupted', finished_at = now(), error = 'the process stopped before the run finished'
     WHERE status = 'running' RETURNING 1 AS n`,
  );
  return rows.length;
}

export async function startRun(warehouse: Warehouse, command: string): Promise<string> {
  const runId = newId('run');
  await warehouse.execute(`INSERT INTO meta.runs (run_id, command, status, started_at) VALUES ($run_id, $command, 'running', now())`, { run_id: runId, command });
  return runId;
}

export async function recordStep(warehouse: Warehouse, runId: string, step: StepRecord): Promise<void> {
  await warehouse.execute(
    `INSERT INTO meta.run_steps VALUES ($run_id, $step, $status, $started::TIMESTAMP, $finished::TIMESTAMP, $ms, $rows_in, $rows_out, $error, $detail::JSON)`,
    {
      run_id: runId,
      step: step.step,
      status: step.status,
      started: step.startedAt.toISOString(),
      finished: step.finishedAt.toISOString(),
      ms: step.finishedAt.getTime() - step.startedAt.getTime(),
      rows_in: step.rowsIn ?? null,
      rows_out: step.rowsOut ?? null,
      error: step.error ?? null,
      detail: step.detail === undefined ? null : JSON.stringify(step.detail),
    },
  );
}

export async function finishRun(warehouse: Warehouse, runId: string, status: RunStatus, summary: unknown, error?: string): Promise<void> {
  await warehouse.execute(
    `UPDATE meta.runs SET status = $status, finished_at = now(), duration_ms = date_diff('millisecond', started_at, now()),
       error = $error, summary = $summary::JSON WHERE run_id = $run_id`,
    { run_id: runId, status, error: error ?? null, summary: JSON.stringify(summary) },
  );
}

export interface RunRow {
  run_id: string;
  command: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  summary: unknown;
}

export async function listRuns(warehouse: Warehouse, limit = 20): Promise<RunRow[]> {
  return warehouse.query<RunRow>(
    `SELECT run_id, command, status, started_at::VARCHAR AS started_at, finished_at::VARCHAR AS finished_at,
            duration_ms::DOUBLE AS duration_ms, error, summary
     FROM meta.runs ORDER BY started_at DESC LIMIT $limit`,
    { limit },
  );
}

export async function runSteps(warehouse: Warehouse, runId: string): Promise<Record<string, unknown>[]> {
  return warehouse.query(
    `SELECT step, status, duration_ms::DOUBLE AS duration_ms, rows_in::DOUBLE AS rows_in, rows_out::DOUBLE AS rows_out, error
     FROM meta.run_steps WHERE run_id = $run_id ORDER BY started_at`,
    { run_id: runId },
  );
}
