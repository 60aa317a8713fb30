/** Run history in the warehouse: every run and step, with durations, row counts and outcome. */
import type { Warehouse } from '../engine/index.js';
import { newId } from '../shared/index.js';
import { ORCHESTRATOR_ID, keepRunAlive, letGoOfRun } from './run-ownership.js';

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

/** Records a new run owned by this process, whose heartbeat it keeps fresh until finishRun (see run-ownership.ts). */
export async function startRun(warehouse: Warehouse, command: string, ownership: { readonly expiryMs: number }): Promise<string> {
  const runId = newId('run');
  await warehouse.execute(
    `INSERT INTO meta.runs (run_id, command, status, started_at, owner_id, heartbeat_at) VALUES ($run_id, $command, 'running', now(), $owner, now())`,
    { run_id: runId, command, owner: ORCHESTRATOR_ID },
  );
  keepRunAlive(warehouse, runId, ownership.expiryMs);
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
  try {
    await warehouse.execute(
      `UPDATE meta.runs SET status = $status, finished_at = now(), duration_ms = date_diff('millisecond', started_at, now()),
         error = $error, summary = $summary::JSON WHERE run_id = $run_id`,
      { run_id: runId, status, error: error ?? null, summary: JSON.stringify(summary) },
    );
  } finally {
    await letGoOfRun(warehouse, runId);
  }
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
  /** The orchestrator process that started the run (host:pid:random); null for runs from before owners were recorded. */
  owner_id: string | null;
  /** When the owner last said the run was alive (while running); a run whose heartbeat expired is marked interrupted. */
  heartbeat_at: string | null;
}

export async function listRuns(warehouse: Warehouse, limit = 20): Promise<RunRow[]> {
  return warehouse.query<RunRow>(
    `SELECT run_id, command, status, started_at::VARCHAR AS started_at, finished_at::VARCHAR AS finished_at,
            duration_ms::DOUBLE AS duration_ms, error, summary, owner_id, heartbeat_at::VARCHAR AS heartbeat_at
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
