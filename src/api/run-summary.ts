/** The JSON an ingest endpoint returns for a pipeline run: per-file outcome and the accounting. */
import type { PipelineResult } from '../pipeline/index.js';
import { describeError } from '../shared/index.js';

export function runSummary(result: PipelineResult, displayName?: (file: string) => string) {
  const name = displayName ?? ((f: string) => f);
  return {
    run_id: result.runId,
    status: result.status,
    duration_ms: result.durationMs,
    files: result.files.map((f) =>
      f.status === 'loaded'
        ? { file: name(f.file), status: f.status, batch_id: f.batch.batchId, rows_in: f.batch.rowsIn }
        : f.status === 'skipped'
          ? { file: name(f.file), status: f.status, batch_id: f.batchId, reason: f.reason }
          : { file: name(f.file), status: f.status, error: { code: f.error.code, message: f.error.message, line: f.error.location?.line ?? null } },
    ),
    batches: result.batches,
    totals: result.totals,
    error: result.error ? { code: result.error.code, message: describeError(result.error) } : null,
  };
}
