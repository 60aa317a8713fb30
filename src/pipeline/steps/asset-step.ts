/**
 * Runs one warehouse asset (ingest, quality_silver or a gold model) against a warehouse: the same
 * code whether the run executes it in-process or a `strata worker` takes it from a queue. Each
 * asset commits its data together with the event that proves it (ingest per group of files, with
 * its events right after), so an attempt cut short redoes cleanly.
 */
import path from 'node:path';
import type { StrataConfig } from '../../config/index.js';
import type { Warehouse } from '../../engine/index.js';
import { ingestPaths, type DateOrder, type IngestReport } from '../../ingest/index.js';
import type { QualitySummary } from '../../quality/index.js';
import { StrataError } from '../../shared/index.js';
import { INGEST, type AssetDef, type CheckDef } from '../assets/index.js';
import type { PipelineEvent } from '../events/index.js';
import type { StepContext } from '../executor/index.js';
import type { PipelineSource, PullResult } from '../http-source/index.js';
import { materializeModel, type ModelBuild, type ModelBuildOptions } from './gold-model-step.js';
import { runQualitySilver } from './quality-silver-step.js';
import type { BatchAccount } from './silver-step.js';

export type StepValue =
  | { readonly kind: 'http_source'; readonly pull: PullResult }
  | { readonly kind: 'ingest'; readonly report: IngestReport }
  | { readonly kind: 'quality_silver'; readonly summary: QualitySummary; readonly accounts: readonly BatchAccount[] }
  | { readonly kind: 'gold_model'; readonly build: ModelBuild };

export interface AssetStepInput {
  readonly runId: string;
  readonly asset: AssetDef;
  /** The checks to evaluate (gold models). */
  readonly checks: readonly CheckDef[];
  /** Landing files and folders (ingest). */
  readonly inputs: readonly string[];
  readonly dateOrder?: DateOrder | null | undefined;
  /** How a gold model builds (days asked for, whole, what its readers need). */
  readonly build?: ModelBuildOptions;
}

export interface AssetStepResult {
  readonly changed: boolean;
  readonly value: StepValue;
  /** Events committed inside the asset's own transaction (already in the log), for the bus. */
  readonly committed: readonly PipelineEvent[];
}

/** Day partition of a landing file (files are named by day), else its name. */
export const partitionOf = (file: string): string => /(\d{4}-\d{2}-\d{2})/.exec(path.basename(file))?.[1] ?? path.basename(file);

const pendingBatches = async (warehouse: Warehouse): Promise<number> =>
  (await warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM bronze.batches WHERE status = 'loaded'`))[0]?.n ?? 0;

/** Pulls an HTTP source's pages into its landing folder; the pages' events go to `log`. */
export async function runPullAsset(
  source: PipelineSource,
  runId: string,
  context: StepContext,
  log: (events: readonly PipelineEvent[]) => Promise<void>,
): Promise<AssetStepResult> {
  const key = source.asset.key;
  const pull = await source.pull(context);
  await log([
    ...pull.pages.filter((p) => p.rows > 0).map((p): PipelineEvent => ({ kind: 'rows_written', runId, stepId: key, asset: key, partition: `page-${p.index}`, rows: p.rows })),
    { kind: 'asset_materialized', runId, stepId: key, asset: key, rows: pull.rows },
  ]);
  return { changed: pull.rows > 0, value: { kind: 'http_source', pull }, committed: [] };
}

/**
 * `log` appends events outside any transaction (and publishes them); the events a transaction
 * committed come back in `committed`.
 */
export async function runWarehouseAsset(
  warehouse: Warehouse,
  config: StrataConfig,
  input: AssetStepInput,
  log: (events: readonly PipelineEvent[]) => Promise<void>,
): Promise<AssetStepResult> {
  const { runId, asset } = input;
  if (asset.kind === 'ingest') {
    const report = await ingestPaths(warehouse, input.inputs, {
      runId,
      stagingDir: path.join(config.dataDir, 'staging'),
      maxLineBytes: config.maxLineBytes,
      concurrency: config.ingestConcurrency,
      defaultDateOrder: config.defaultDateOrder,
      dateOrder: input.dateOrder as DateOrder | undefined,
    });
    const loaded = report.files.flatMap((f) => (f.status === 'loaded' ? [f] : []));
    await log([
      ...loaded.map((f): PipelineEvent => ({ kind: 'rows_written', runId, stepId: INGEST, asset: INGEST, partition: partitionOf(f.file), rows: f.batch.rowsIn })),
      ...(loaded.length ? [{ kind: 'asset_materialized', runId, stepId: INGEST, asset: INGEST, rows: report.rowsIn } as const] : []),
    ]);
    // Batches still waiting for quality count as a change: an attempt that loaded them and died
    // before reporting leaves them for the retry, which then loads nothing itself.
    const changed = report.loaded > 0 || (await pendingBatches(warehouse)) > 0;
    return { changed, value: { kind: 'ingest', report }, committed: [] };
  }
  if (asset.kind === 'quality_silver') {
    const value = await runQualitySilver(warehouse, runId);
    return { changed: value.accounts.length > 0, value: { kind: 'quality_silver', summary: value.summary, accounts: value.accounts }, committed: value.events };
  }
  if (asset.kind === 'gold_model') {
    const build = await materializeModel(warehouse, runId, asset, input.checks, log, input.build ?? {});
    return { changed: true, value: { kind: 'gold_model', build }, committed: build.events };
  }
  throw new StrataError('STRATA_ERR_INTERNAL', `asset ${asset.key} (${asset.kind}) does not run against the warehouse`);
}
