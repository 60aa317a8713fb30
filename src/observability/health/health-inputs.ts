/** Reads the health score's inputs: recent runs, asset ages and recent batches from the warehouse, API errors from the rolling window. */
import { toNumber, type SqlSource } from '../sql-source.js';
import type { RollingCounts } from '../metrics/rolling-counts.js';
import type { HealthInputs } from './health-score.js';

/** Assets whose age the freshness area watches: landing, silver, and the fact table every figure reads. */
export const WATCHED_ASSETS = ['ingest', 'quality_silver', 'gold.fact_sales'] as const;

export async function readHealthInputs(db: SqlSource, api: RollingCounts, options: { readonly maxAgeSeconds: number; readonly nowMs: number }): Promise<HealthInputs> {
  const [runs] = await db.query<Record<string, unknown>>(
    `SELECT count(*)::DOUBLE AS finished, count(*) FILTER (WHERE status = 'succeeded')::DOUBLE AS succeeded,
            count(*) FILTER (WHERE status = 'partial')::DOUBLE AS partial, count(*) FILTER (WHERE status IN ('failed', 'interrupted'))::DOUBLE AS failed
     FROM (SELECT status FROM meta.runs WHERE status <> 'running' ORDER BY started_at DESC LIMIT 20)`,
  );
  const assets = await db.query<Record<string, unknown>>(
    `SELECT asset, epoch(max(occurred_at))::DOUBLE AS at FROM meta.events
     WHERE kind = 'asset_materialized' AND asset IN (SELECT unnest($assets::VARCHAR[])) GROUP BY asset ORDER BY asset`,
    { assets: [...WATCHED_ASSETS] },
  );
  const [batches] = await db.query<Record<string, unknown>>(
    `SELECT count(*)::DOUBLE AS n, coalesce(sum(rows_in), 0)::DOUBLE AS rows, coalesce(sum(rows_quarantined), 0)::DOUBLE AS quarantined, coalesce(sum(rows_warned), 0)::DOUBLE AS warned
     FROM (SELECT rows_in, rows_quarantined, rows_warned FROM bronze.batches WHERE status = 'processed' ORDER BY processed_at DESC, batch_id DESC LIMIT 20)`,
  );
  const window = api.totals(options.nowMs);
  return {
    runs: { finished: toNumber(runs?.['finished']) ?? 0, succeeded: toNumber(runs?.['succeeded']) ?? 0, partial: toNumber(runs?.['partial']) ?? 0, failed: toNumber(runs?.['failed']) ?? 0 },
    assets: assets.map((a) => ({ asset: String(a['asset']), ageSeconds: Math.max(0, options.nowMs / 1000 - (toNumber(a['at']) ?? 0)) })),
    maxAgeSeconds: options.maxAgeSeconds,
    batches: { count: toNumber(batches?.['n']) ?? 0, rows: toNumber(batches?.['rows']) ?? 0, quarantined: toNumber(batches?.['quarantined']) ?? 0, warned: toNumber(batches?.['warned']) ?? 0 },
    api: { requests: window.requests, serverErrors: window.errors, windowSeconds: window.windowSeconds },
  };
}
