/**
 * `strata run`: plans the asset graph against the warehouse's state (ingest -> quality_silver ->
 * one asset per gold model), executes the plan, and records every step in the event log
 * (meta.events, the source of truth) and in meta.runs / meta.run_steps (the summaries other
 * readers use). Each asset commits on its own with the event proving it, so a crash leaves whole
 * batches and whole models, and the next run plans exactly what did not commit.
 */
import path from 'node:path';
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { discoverFiles, type DateOrder, type FileOutcome } from '../ingest/index.js';
import type { QualitySummary } from '../quality/index.js';
import { StrataError, describeError, isStrataError, modelsDir } from '../shared/index.js';
import { INGEST, QUALITY_SILVER, buildAssetGraph, type AssetDef, type AssetGraph } from './assets/index.js';
import type { StepDispatcher } from './queue/step-dispatcher.js';
import { partitionOf, runPullAsset, runWarehouseAsset, type StepValue } from './steps/asset-step.js';
import { createEventBus, runEventLog, lastMaterializations, type PipelineEvent, type PipelineEventBus, type RunRequest } from './events/index.js';
import { execute, type ExecutableStep, type StepContext, type StepOutcome } from './executor/index.js';
import { httpPipelineSource, type PipelineSource, type PullResult } from './http-source/index.js';
import { loadGoldModels, type Model } from './model-graph.js';
import { plan, type PlanState } from './planner/index.js';
import type { ResourceRegistry } from './resilience/index.js';
import { finishRun, recordStep, startRun, type RunStatus } from './run-store.js';
import type { CheckOutcome, GoldResult } from './steps/gold-step.js';
import type { ModelBuildOptions } from './steps/gold-model-step.js';
import type { BatchAccount } from './steps/silver-step.js';

export { partitionOf };

export interface PipelineOptions {
  readonly inputs: readonly string[];
  readonly dateOrder?: DateOrder | undefined;
  readonly command?: string;
  /** Rebuild gold even when no new batch arrived. */
  readonly forceGold?: boolean;
  /** Stop after bronze (the `ingest` command). */
  readonly ingestOnly?: boolean;
  /** false for a backfill: build without evaluating model checks (nothing is blocked by them). */
  readonly checks?: boolean;
  /** Where run events go as they happen (the API subscribes for cache invalidation). */
  readonly bus?: PipelineEventBus;
  /** Cancels the run: steps not started are cancelled, running ones are asked to stop. */
  readonly signal?: AbortSignal;
  /** Steps run at once; steps that write share the one writer connection regardless. */
  readonly concurrency?: number;
  /** The run this one retries (`strata runs retry`). */
  readonly retryOf?: string;
  /** Gold models to build (default: models/gold). */
  readonly goldModels?: readonly Model[];
  /** HTTP sources (names in config.httpSources) to pull first; their pages are ingested with `inputs`. */
  readonly sources?: readonly string[];
  /** Circuit breakers and rate budgets of external resources (default: the process's). */
  readonly resources?: ResourceRegistry;
  /**
   * Day partitions (YYYY-MM-DD) to materialise: only landing files of those days are ingested, and
   * the partitioned models rebuild those days (plus any their inputs changed); the rest follows.
   */
  readonly partitions?: readonly string[];
  /** `partitioned`: build only the partitioned assets and what they read (a per-day backfill's day). */
  readonly scope?: 'partitioned';
  /** Queue execution: warehouse steps become jobs for `strata worker` processes (see src/pipeline/queue). */
  readonly dispatcher?: StepDispatcher;
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
  /** What each HTTP source pulled (pages, rows, requests), for runs with `sources`. */
  readonly pulls: readonly PullResult[];
}

const sumTotals = (accounts: readonly BatchAccount[]): Totals => ({
  rows_in: accounts.reduce((s, a) => s + a.rows_in, 0),
  rows_to_silver: accounts.reduce((s, a) => s + a.rows_to_silver, 0),
  rows_quarantined: accounts.reduce((s, a) => s + a.rows_quarantined, 0),
  duplicates_removed: accounts.reduce((s, a) => s + a.duplicates_removed, 0),
});

/** What the planner needs to know of the warehouse: pending batches, missing models, last materialisations. */
export async function readState(warehouse: Warehouse, graph: AssetGraph): Promise<PlanState> {
  const [{ pending } = { pending: 0 }] = await warehouse.query<{ pending: number }>(`SELECT count(*)::INTEGER AS pending FROM bronze.batches WHERE status = 'loaded'`);
  const existing = new Set(
    (await warehouse.query<{ name: string }>(
      `SELECT 'gold.' || table_name AS name FROM duckdb_tables() WHERE schema_name = 'gold' UNION ALL SELECT 'gold.' || view_name FROM duckdb_views() WHERE schema_name = 'gold'`,
    )).map((r) => r.name),
  );
  const missing = graph.assets.filter((a) => a.kind === 'gold_model' && !existing.has(a.key)).map((a) => a.key);
  return { pendingBatches: pending, missing, lastMaterialized: await lastMaterializations(warehouse) };
}

export async function runPipeline(warehouse: Warehouse, config: StrataConfig, options: PipelineOptions): Promise<PipelineResult> {
  const started = performance.now();
  const command = options.command ?? 'run';
  const runId = await startRun(warehouse, command, { expiryMs: config.runHeartbeatExpiryMs });
  const bus = options.bus ?? createEventBus();
  const { publish, log, settled } = runEventLog(warehouse, bus);
  const request: RunRequest = {
    command,
    inputs: options.inputs.map((i) => path.resolve(i)),
    dateOrder: options.dateOrder ?? null,
    forceGold: Boolean(options.forceGold),
    ingestOnly: Boolean(options.ingestOnly),
    checks: options.checks !== false,
    retryOf: options.retryOf ?? null,
    ...(options.sources?.length ? { sources: [...options.sources] } : {}),
    ...(options.partitions?.length ? { partitions: [...options.partitions] } : {}),
    ...(options.scope ? { scope: options.scope } : {}),
  };
  void log({ kind: 'run_started', runId, detail: request });

  let files: readonly FileOutcome[] = [];
  let batches: readonly BatchAccount[] = [];
  let quality: QualitySummary | null = null;
  let gold: GoldResult | null = null;
  let error: StrataError | null = null;
  let pulls: readonly PullResult[] = [];

  try {
    const sources: readonly PipelineSource[] = (options.sources ?? []).map((name) => httpPipelineSource(config, name, runId, options.resources ? { registry: options.resources } : {}));
    // A source's pages land in its own folder for this run, which ingest then reads.
    const wanted = options.partitions?.length ? new Set(options.partitions) : null;
    // With partitions asked for, only the landing files of those days are read.
    const landing = wanted ? options.inputs.flatMap((i) => discoverFiles(i).map((f) => f.path)).filter((f) => wanted.has(partitionOf(f))) : options.inputs;
    const inputs = [...landing, ...sources.map((s) => s.dir)];
    const graph = buildAssetGraph(options.goldModels ?? loadGoldModels(path.join(modelsDir(), 'gold')), sources.map((s) => s.asset));
    const assets = new Map(graph.assets.map((a) => [a.key, a]));
    const thePlan = plan(graph, await readState(warehouse, graph), {
      inputs,
      ingestOnly: options.ingestOnly,
      // Asking for a pull is asking for fresh data: sources are always planned.
      force: [...sources.map((s) => s.asset.key), ...(options.forceGold ? graph.assets.filter((a) => a.kind === 'gold_model').map((a) => a.key) : [])],
      checks: options.checks,
      ...(options.partitions?.length ? { partitions: options.partitions } : {}),
      ...(options.scope ? { scope: options.scope } : {}),
    });
    const steps = thePlan.steps.map((planned): ExecutableStep<StepValue> => {
      const asset = assets.get(planned.asset)!;
      const checks = graph.checks.filter((c) => c.asset === asset.key && planned.checks.includes(c.name));
      return {
        id: planned.id,
        deps: planned.deps,
        when: planned.when,
        // Queued steps are kept apart by the workers' Redis semaphores instead.
        resource: asset.writes && !options.dispatcher ? 'warehouse-writer' : undefined,
        timeoutMs: asset.timeoutMs,
        retry: asset.retry,
        run: (context: StepContext) => runAsset(asset, checks, context, planned.partitions),
      } as ExecutableStep<StepValue>;
    });
    const stepTimes = new Map<string, { startedAt: Date; finishedAt?: Date }>();

    // The day column of the partitioned models reading each model: those record what they changed.
    const readersColumn = new Map(graph.assets.flatMap((a) => (a.partitionColumn ? (a.reads ?? []).map((r) => [r, a.partitionColumn!] as const) : [])));
    const runAsset = async (asset: AssetDef, checks: typeof graph.checks, context: StepContext, partitions?: readonly string[]): Promise<{ changed: boolean; value: StepValue }> => {
      // How a gold model builds: the days asked for, whole (--rebuild-gold), which days its readers need.
      const build: ModelBuildOptions = {
        ...(partitions ? { partitions } : {}),
        full: Boolean(options.forceGold),
        ...(readersColumn.has(asset.key) ? { readersPartitionColumn: readersColumn.get(asset.key)! } : {}),
      };
      if (options.dispatcher) {
        // step_started is in the log before a worker can write the step's own events.
        await settled();
        const done = await options.dispatcher.dispatch(
          {
            runId, stepId: asset.key, asset: asset.key, kind: asset.kind, partition: null, attempt: context.attempt, inputs, dateOrder: options.dateOrder ?? null, checks: checks.map((c) => c.name),
            build: { partitions: build.partitions ? [...build.partitions] : null, full: build.full ?? false, readersPartitionColumn: build.readersPartitionColumn ?? null },
          },
          context.signal,
        );
        workerOf.set(asset.key, done.worker);
        publish(done.events);
        return { changed: done.changed, value: done.value };
      }
      if (asset.kind === 'http_source') {
        const done = await runPullAsset(sources.find((s) => s.asset.key === asset.key)!, runId, context, (events) => log(...events));
        return { changed: done.changed, value: done.value };
      }
      const done = await runWarehouseAsset(warehouse, config, { runId, asset, checks, inputs, dateOrder: options.dateOrder, build }, (events) => log(...events));
      publish(done.committed);
      return { changed: done.changed, value: done.value };
    };
    /** Which worker ran each queued step, for its step_succeeded event. */
    const workerOf = new Map<string, string>();

    const outcomes = await execute(steps, {
      concurrency: options.concurrency ?? (options.dispatcher ? 8 : 2),
      ...(options.signal ? { signal: options.signal } : {}),
      hooks: {
        onStart(id, attempt) {
          if (attempt === 1) stepTimes.set(id, { startedAt: new Date() });
          void log({ kind: 'step_started', runId, stepId: id, asset: id, attempt });
        },
        onRetry(id, attempt, delayMs, cause) {
          void log({ kind: 'step_retrying', runId, stepId: id, asset: id, attempt, delayMs, errorCode: cause.code, error: describeError(cause) });
        },
        onFinish(id, outcome) {
          const times = stepTimes.get(id);
          if (times) times.finishedAt = new Date();
          void log(finishEvent(runId, id, outcome, workerOf.get(id)));
        },
      },
    });

    const valueOf = <K extends StepValue['kind']>(id: string, kind: K): Extract<StepValue, { kind: K }> | undefined => {
      const o = outcomes.get(id);
      return o?.status === 'succeeded' && o.value.kind === kind ? (o.value as Extract<StepValue, { kind: K }>) : undefined;
    };
    files = valueOf(INGEST, 'ingest')?.report.files ?? [];
    pulls = sources.flatMap((s) => valueOf(s.asset.key, 'http_source')?.pull ?? []);
    const processed = valueOf(QUALITY_SILVER, 'quality_silver');
    quality = processed?.summary ?? null;
    batches = processed?.accounts ?? [];
    const builds = thePlan.steps.flatMap((s) => valueOf(s.id, 'gold_model')?.build ?? []);
    const goldOutcomes = thePlan.steps.filter((s) => assets.get(s.asset)!.kind === 'gold_model').map((s) => [s.id, outcomes.get(s.id)!] as const);
    const failedChecks = goldOutcomes.some(([, o]) => o.status === 'failed');
    if (builds.length || failedChecks) {
      gold = { models: builds.map((b) => ({ name: b.name, rows: b.rows, ms: b.ms, ...(b.scope ? { partitions: b.scope.kind === 'full' ? ('all' as const) : b.scope.days } : {}) })), checks: builds.flatMap((b): readonly CheckOutcome[] => b.checks) };
    }
    const firstFailure = thePlan.steps.map((s) => outcomes.get(s.id)!).find((o) => o.status === 'failed' || o.status === 'cancelled');
    if (firstFailure) error = firstFailure.status === 'failed' ? firstFailure.error : new StrataError('STRATA_ERR_CANCELLED', 'the run was cancelled before every step finished');
    if (error && !builds.length) gold = null;

    // The summaries other readers use: one row per stage, as before the asset graph.
    const stageRow = async (step: string, ids: readonly string[], counts: (o: StepOutcome<StepValue>[]) => { rowsIn?: number; rowsOut?: number; detail?: unknown }): Promise<void> => {
      const ran = ids.filter((id) => stepTimes.get(id)?.finishedAt);
      const stage = ids.map((id) => outcomes.get(id)).filter((o): o is StepOutcome<StepValue> => Boolean(o));
      if (!stage.length) return;
      const failed = stage.find((o) => o.status === 'failed');
      const startedAt = ran.length ? stepTimes.get(ran[0]!)!.startedAt : new Date();
      const finishedAt = ran.length ? stepTimes.get(ran.at(-1)!)!.finishedAt! : startedAt;
      const status = failed ? 'failed' : ran.length ? 'succeeded' : 'skipped';
      await recordStep(warehouse, runId, { step, status, startedAt, finishedAt, ...(failed?.status === 'failed' ? { error: describeError(failed.error) } : counts(stage)) });
    };
    await stageRow('ingest', thePlan.steps.filter((s) => s.asset === INGEST).map((s) => s.id), () => {
      const report = valueOf(INGEST, 'ingest')?.report;
      return report ? { rowsOut: report.rowsIn, detail: { loaded: report.loaded, skipped: report.skipped, failed: report.failed } } : {};
    });
    if (!options.ingestOnly) {
      const ids = thePlan.steps.filter((s) => s.asset === QUALITY_SILVER).map((s) => s.id);
      if (ids.length) {
        await stageRow('quality_silver', ids, () => ({ rowsIn: sumTotals(batches).rows_in, rowsOut: sumTotals(batches).rows_to_silver, detail: sumTotals(batches) }));
      } else {
        const now = new Date();
        await recordStep(warehouse, runId, { step: 'quality_silver', status: 'skipped', startedAt: now, finishedAt: now, detail: { reason: 'no pending batches' } });
      }
    }
    await stageRow('gold', goldOutcomes.map(([id]) => id), () => ({ rowsOut: builds.find((b) => b.name === 'fact_sales')?.rows ?? 0, detail: gold?.models ?? [] }));
  } catch (caught) {
    error = isStrataError(caught) ? caught : new StrataError('STRATA_ERR_ENGINE', describeError(caught), { cause: caught });
  }

  const logFailure = await settled();
  if (logFailure && !error) error = logFailure;
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  // Some files failed: partial; every file failed (nothing loaded or already there): failed.
  const allFilesFailed = failedFiles > 0 && failedFiles === files.length;
  const status: 'succeeded' | 'partial' | 'failed' = error || allFilesFailed ? 'failed' : failedFiles > 0 ? 'partial' : 'succeeded';
  const totals = sumTotals(batches);
  const summary = {
    totals,
    files: { loaded: files.filter((f) => f.status === 'loaded').length, skipped: files.filter((f) => f.status === 'skipped').length, failed: failedFiles },
    batches: batches.length,
  };
  const message = error ? describeError(error) : failedFiles ? `${failedFiles} file(s) could not be loaded` : undefined;
  await log({ kind: 'run_finished', runId, status, error: message ?? null });
  await finishRun(warehouse, runId, status, summary, message);
  // After finishRun: a failure here must not leave the run recorded as running (and heartbeating).
  const warehouseTotals = await totalsOfWarehouse(warehouse);
  return { runId, status, durationMs: Math.round(performance.now() - started), files, batches, totals, warehouseTotals, quality, gold, error, pulls };
}

function finishEvent(runId: string, id: string, outcome: StepOutcome<StepValue>, worker: string | undefined): PipelineEvent {
  const base = { runId, stepId: id, asset: id };
  switch (outcome.status) {
    case 'succeeded':
      return { ...base, kind: 'step_succeeded', attempts: outcome.attempts, changed: outcome.changed, ...(worker ? { worker } : {}) };
    case 'failed':
      return { ...base, kind: 'step_failed', attempts: outcome.attempts, errorCode: outcome.error.code, error: describeError(outcome.error) };
    case 'blocked':
      return { ...base, kind: 'step_skipped', reason: `blocked: ${outcome.by} failed` };
    case 'skipped':
      return { ...base, kind: 'step_skipped', reason: outcome.reason };
    case 'cancelled':
      return { ...base, kind: 'step_skipped', reason: 'cancelled' };
  }
}

/** Gold is built once its last model exists (fact_sales is a view, the marts are tables). */
export async function goldIsBuilt(warehouse: Warehouse): Promise<boolean> {
  const rows = await warehouse.query(
    `SELECT 1 FROM duckdb_views() WHERE schema_name = 'gold' AND view_name = 'fact_sales'
     UNION ALL SELECT 1 FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name IN ('fact_sales')`,
  );
  return rows.length > 0;
}

export async function totalsOfWarehouse(warehouse: Warehouse): Promise<PipelineResult['warehouseTotals']> {
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
