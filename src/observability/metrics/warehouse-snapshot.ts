/**
 * Figures read from the warehouse at scrape time (so they survive restarts and agree with every
 * other reader): rows per layer, the latest batch's quality score per source, failing rows per
 * rule, when each asset was last materialised, stream progress, and the latest day's revenue and
 * orders. Each query is small (aggregates over bookkeeping tables or one mart row); one that fails
 * (e.g. gold not built yet) leaves its part empty instead of failing the scrape.
 */
import { toNumber, type SqlSource } from '../sql-source.js';

export interface WarehouseSnapshot {
  readonly layerRows: readonly { readonly layer: string; readonly rows: number }[];
  readonly latestBatch: readonly { readonly source: string; readonly score: number; readonly rowsIn: number; readonly rowsQuarantined: number; readonly processedAt: number }[];
  readonly ruleFailures: readonly { readonly rule: string; readonly severity: string; readonly rows: number }[];
  readonly assets: readonly { readonly asset: string; readonly lastMaterializedAt: number }[];
  readonly streams: readonly { readonly stream: string; readonly watermark: number | null; readonly lastAppliedAt: number | null; readonly applyLagSeconds: number | null }[];
  readonly latestDay: { readonly day: number; readonly revenueGbp: number; readonly orders: number } | null;
  readonly lastRuns: readonly { readonly status: string; readonly finishedAt: number }[];
}

const LAYER_SQL = `SELECT (SELECT count(*) FROM bronze.transactions_raw)::DOUBLE AS bronze, (SELECT count(*) FROM silver.transactions)::DOUBLE AS silver,
  (SELECT count(*) FROM quality.quarantine)::DOUBLE AS quarantine, (SELECT count(*) FROM bronze.batches)::DOUBLE AS batches`;

const LATEST_BATCH_SQL = `SELECT source, quality_score::DOUBLE AS score, rows_in::DOUBLE AS rows_in, rows_quarantined::DOUBLE AS rows_quarantined, epoch(processed_at)::DOUBLE AS processed_at
  FROM (SELECT *, row_number() OVER (PARTITION BY source ORDER BY processed_at DESC, batch_id DESC) AS rn FROM bronze.batches WHERE status = 'processed')
  WHERE rn = 1 ORDER BY source`;

const RULE_SQL = `SELECT rule_id, severity, sum(rows_failed)::DOUBLE AS rows FROM quality.check_results GROUP BY rule_id, severity ORDER BY rule_id`;

const ASSET_SQL = `SELECT asset, epoch(max(occurred_at))::DOUBLE AS at FROM meta.events WHERE kind = 'asset_materialized' AND asset IS NOT NULL GROUP BY asset ORDER BY asset`;

// The lag is that of each stream's latest message (highest sequence), by a window rather than arg_max (common subset).
const STREAM_SQL = `SELECT m.stream_name, epoch(w.watermark)::DOUBLE AS watermark, epoch(max(m.applied_at))::DOUBLE AS applied,
    max(CASE WHEN m.rn = 1 THEN epoch(m.applied_at) - epoch(m.published_at) END)::DOUBLE AS lag
  FROM (SELECT stream_name, applied_at, published_at, row_number() OVER (PARTITION BY stream_name ORDER BY stream_seq DESC) AS rn FROM stream.messages) AS m
  LEFT JOIN stream.watermarks w USING (stream_name) GROUP BY m.stream_name, w.watermark ORDER BY 1`;

const LATEST_DAY_SQL = `SELECT epoch(date::TIMESTAMP)::DOUBLE AS day, revenue_gbp::DOUBLE AS revenue, orders::DOUBLE AS orders
  FROM gold.mart_daily_sales WHERE lines > 0 ORDER BY date DESC LIMIT 1`;

const RUNS_SQL = `SELECT status, epoch(max(finished_at))::DOUBLE AS at FROM meta.runs WHERE finished_at IS NOT NULL GROUP BY status ORDER BY status`;

async function safely<T>(work: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await work();
  } catch {
    return empty;
  }
}

export async function readWarehouseSnapshot(db: SqlSource): Promise<WarehouseSnapshot> {
  const [layers, batches, rules, assets, streams, day, runs] = await Promise.all([
    safely(() => db.query<Record<string, unknown>>(LAYER_SQL), []),
    safely(() => db.query<Record<string, unknown>>(LATEST_BATCH_SQL), []),
    safely(() => db.query<Record<string, unknown>>(RULE_SQL), []),
    safely(() => db.query<Record<string, unknown>>(ASSET_SQL), []),
    safely(() => db.query<Record<string, unknown>>(STREAM_SQL), []),
    safely(() => db.query<Record<string, unknown>>(LATEST_DAY_SQL), []),
    safely(() => db.query<Record<string, unknown>>(RUNS_SQL), []),
  ]);
  const first = layers[0] ?? {};
  const latest = day[0];
  return {
    layerRows: Object.entries(first).map(([layer, rows]) => ({ layer, rows: toNumber(rows) ?? 0 })),
    latestBatch: batches.map((b) => ({ source: String(b['source']), score: toNumber(b['score']) ?? 0, rowsIn: toNumber(b['rows_in']) ?? 0, rowsQuarantined: toNumber(b['rows_quarantined']) ?? 0, processedAt: toNumber(b['processed_at']) ?? 0 })),
    ruleFailures: rules.map((r) => ({ rule: String(r['rule_id']), severity: String(r['severity']), rows: toNumber(r['rows']) ?? 0 })),
    assets: assets.map((a) => ({ asset: String(a['asset']), lastMaterializedAt: toNumber(a['at']) ?? 0 })),
    streams: streams.map((s) => ({ stream: String(s['stream_name']), watermark: toNumber(s['watermark']), lastAppliedAt: toNumber(s['applied']), applyLagSeconds: toNumber(s['lag']) })),
    latestDay: latest ? { day: toNumber(latest['day']) ?? 0, revenueGbp: toNumber(latest['revenue']) ?? 0, orders: toNumber(latest['orders']) ?? 0 } : null,
    lastRuns: runs.map((r) => ({ status: String(r['status']), finishedAt: toNumber(r['at']) ?? 0 })),
  };
}
