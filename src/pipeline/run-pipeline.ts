/**
 * `strata run`: ingest pending files, score them, move them to silver, rebuild gold; every step
 * recorded. Each stage commits on its own, so a crash leaves whole batches in bronze that the
 * next run picks up, and re-running on the same inputs changes nothing.
 */
import path from 'node:path';
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { ingestPaths, type DateOrder, type FileOutcome } from '../ingest/index.js';
import { TRANSACTION_RULES, evaluateQuality, loadReferenceData, type QualitySummary } from '../quality/index.js';
import { StrataError, describeError, isStrataError, modelsDir } from '../shared/index.js';
import { loadGoldModels } from './model-graph.js';
import { finishRun, recordStep, startRun, type RunStatus } from './run-store.js';
import { buildGold, type GoldResult } from './steps/gold-step.js';
import { buildSilver, type BatchAccount } from './steps/silver-step.js';

export interface PipelineOptions {
  readonly inputs: readonly string[];
  readonly dateOrder?: DateOrder | undefined;
  readonly command?: string;
  /** Rebuild gold even when no new batch arrived. */
  readonly forceGold?: boolean;
  /** Stop after bronze (the `ingest` command). */
  readonly ingestOnly?: boolean;
}

export interface Totals {
  readonly rows_in: number;
  readonly rows_to_silver: number;
  readonly rows_quarantined: number;
  readonly duplicates_removed: number;
}

export interface PipelineResult {
  readonly runId: string;
  readonly status: RunStatus;
  readonly durationMs: number;
  readonly files: readonly FileOutcome[];
  readonly batches: readonly BatchAccount[];
  readonly totals: Totals;
  readonly warehouseTotals: Totals & { readonly batches: number; readonly gold_revenue_gbp: string | null; readonly gold_lines: number };
  readonly quality: QualitySummary | null;
  readonly gold: GoldResult | null;
  readonly error: StrataError | null;
}

async function step<T>(warehouse: Warehouse, runId: string, name: string, work: () => Promise<{ value: T; rowsIn?: number; rowsOut?: number; detail?: unknown }>): Promise<T> {
  const startedAt = new Date();
  try {
    const { value, rowsIn, rowsOut, detail } = await work();
    await recordStep(warehouse, runId, { step: name, status: 'succeeded', startedAt, finishedAt: new Date(), rowsIn, rowsOut, detail });
    return value;
  } catch (error) {
    await recordStep(warehouse, runId, { step: name, status: 'failed', startedAt, finishedAt: new Date(), error: describeError(error) });
    throw error;
  }
}

const sumTotals = (accounts: readonly BatchAccount[]): Totals => ({
  rows_in: accounts.reduce((s, a) => s + a.rows_in, 0),
  rows_to_silver: accounts.reduce((s, a) => s + a.rows_to_silver, 0),
  rows_quarantined: accounts.reduce((s, a) => s + a.rows_quarantined, 0),
  duplicates_removed: accounts.reduce((s, a) => s + a.duplicates_removed, 0),
});

export async function runPipeline(warehouse: Warehouse, config: StrataConfig, options: PipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const runId = await startRun(warehouse, options.command ?? 'run');
  let files: readonly FileOutcome[] = [];
  let batches: readonly BatchAccount[] = [];
  let quality: QualitySummary | null = null;
  let gold: GoldResult | null = null;
  let error: StrataError | null = null;

  try {
    if (options.inputs.length) {
      const report = await step(warehouse, runId, 'ingest', async () => {
        const value = await ingestPaths(warehouse, options.inputs, {
          runId,
          stagingDir: path.join(config.dataDir, 'staging'),
          maxLineBytes: config.maxLineBytes,
          concurrency: config.ingestConcurrency,
          defaultDateOrder: config.defaultDateOrder,
          dateOrder: options.dateOrder,
        });
        return { value, rowsOut: value.rowsIn, detail: { loaded: value.loaded, skipped: value.skipped, failed: value.failed } };
      });
      files = report.files;
    }
    if (!options.ingestOnly) {
      const processed = await step(warehouse, runId, 'quality_silver', async () => {
        const value = await warehouse.transaction(async (tx) => {
          await loadReferenceData(tx);
          const summary = await evaluateQuality(tx, runId, TRANSACTION_RULES);
          const accounts = summary.batches > 0 ? await buildSilver(tx) : [];
          return { summary, accounts };
        });
        const totals = sumTotals(value.accounts);
        return { value, rowsIn: totals.rows_in, rowsOut: totals.rows_to_silver, detail: totals };
      });
      quality = processed.summary;
      batches = processed.accounts;
      const goldMissing = !(await goldIsBuilt(warehouse));
      if (batches.length > 0 || goldMissing || options.forceGold) {
        gold = await step(warehouse, runId, 'gold', async () => {
          const value = await buildGold(warehouse, runId, loadGoldModels(path.join(modelsDir(), 'gold')));
          return { value, rowsOut: value.models.find((m) => m.name === 'fact_sales')?.rows ?? 0, detail: value.models };
        });
      }
    }
  } catch (caught) {
    error = isStrataError(caught) ? caught : new StrataError('STRATA_ERR_ENGINE', describeError(caught), { cause: caught });
  }

  const failedFiles = files.filter((f) => f.status === 'failed').length;
  const status: RunStatus = error ? 'failed' : failedFiles > 0 ? 'partial' : 'succeeded';
  const totals = sumTotals(batches);
  const warehouseTotals = await totalsOfWarehouse(warehouse);
  const summary = {
    totals,
    files: { loaded: files.filter((f) => f.status === 'loaded').length, skipped: files.filter((f) => f.status === 'skipped').length, failed: failedFiles },
    batches: batches.length,
  };
  await finishRun(warehouse, runId, status, summary, error ? describeError(error) : failedFiles ? `${failedFiles} file(s) could not be loaded` : undefined);
  return { runId, status, durationMs: Math.round(performance.now() - started), files, batches, totals, warehouseTotals, quality, gold, error };
}

/** Gold is built once its last model exists (fact_sales is a view, the marts are tables). */
export async function goldIsBuilt(warehouse: Warehouse): Promise<boolean> {
  const rows = await warehouse.query(
    `SELECT 1 FROM duckdb_views() WHERE schema_name = 'gold' AND view_name = 'fact_sales'
     UNION ALL SELECT 1 FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name IN ('fact_sales')`,
  );
  return rows.length > 0;
}

async function totalsOfWarehouse(warehouse: Warehouse): Promise<PipelineResult['warehouseTotals']> {
  const [row] = await warehouse.query<PipelineResult['warehouseTotals']>(
    `SELECT count(*)::INTEGER AS batches,
            coalesce(sum(rows_in), 0)::DOUBLE AS rows_in, coalesce(sum(rows_to_silver), 0)::DOUBLE AS rows_to_silver,
            coalesce(sum(rows_quarantined), 0)::DOUBLE AS rows_quarantined, coalesce(sum(duplicates_removed), 0)::DOUBLE AS duplicates_removed
     FROM bronze.batches WHERE status = 'processed'`,
  );
  const [gold] = (await goldIsBuilt(warehouse))
    ? await warehouse.query<{ revenue: string | null; lines: number }>('SELECT sum(line_total_gbp)::VARCHAR AS revenue, count(*)::INTEGER AS lines FROM gold.fact_sales')
    : [{ revenue: null, lines: 0 }];
  return { ...row!, gold_revenue_gbp: gold?.revenue ?? null, gold_lines: gold?.lines ?? 0 };
}
