/**
 * The one JSON form of a pipeline result, for `strata run --json` and the API's ingest endpoints:
 * per-file outcome (with the error's code, line and column), per-batch accounting and totals.
 */
import { describeError } from '../shared/index.js';
import type { PipelineResult } from './run-pipeline.js';

export function pipelineResultJson(result: PipelineResult, displayName: (file: string) => string = (f) => f) {
  return {
    run_id: result.runId,
    status: result.status,
    duration_ms: result.durationMs,
    files: result.files.map((f) =>
      f.status === 'loaded'
        ? {
            file: displayName(f.file),
            status: f.status,
            batch_id: f.batch.batchId,
            rows_in: f.batch.rowsIn,
            unparseable_lines: f.batch.rowsUnparseable,
            date_order: f.batch.dateOrder,
            date_order_source: f.batch.dateOrderSource,
            schema_drift: f.batch.file.mapping.extras.map((e) => e.name),
            encoding: f.batch.file.scan.encoding,
          }
        : f.status === 'skipped'
          ? { file: displayName(f.file), status: f.status, batch_id: f.batchId, reason: f.reason }
          : {
              file: displayName(f.file),
              status: f.status,
              error: { code: f.error.code, message: f.error.message, line: f.error.location?.line ?? null, column: f.error.location?.column ?? null },
            },
    ),
    batches: result.batches,
    totals: result.totals,
    warehouse_totals: result.warehouseTotals,
    quality: result.quality,
    gold: result.gold?.models ?? null,
    error: result.error ? { code: result.error.code, message: describeError(result.error) } : null,
    ...(result.pulls.length
      ? { pulls: result.pulls.map((p) => ({ source: p.source, resource: p.resource, pages: p.pages.length, rows: p.rows, requests: p.requests })) }
      : {}),
  };
}
