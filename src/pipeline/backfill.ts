/**
 * Backfills of day partitions, under one of two policies:
 * - `single-run` (the default): one run materialises the days in order. Planning, reference data
 *   and the file listing are shared; each day's landing files are ingested as their own batches and
 *   go through quality and silver on their own; the models the partitioned ones read (dim_country,
 *   dim_date) are rebuilt on the days their inputs changed, without checks; then each partitioned
 *   model writes that day's partitions (plus the days its inputs changed), each write committed with
 *   its `rows_written` events. At the end, in graph order: the checks of the models built per day,
 *   once, over every partition written; the partitioned models' `asset_materialized`; and the
 *   models that are not partitioned, built once with their checks.
 * - `run-per-day`: one run per day (that day's files, then the partitioned models and what they
 *   read), then one run for the models that are not partitioned. Each day is a run of its own in
 *   the event log, so a failed day can be retried on its own.
 * Either way, gold ends byte-identical to one full run of the same files.
 *
 * Crash safety of the single run: every write commits with the events that describe it, and a
 * partitioned model is only recorded materialised at the end; a run stopped half-way leaves whole
 * days, and the next run rebuilds the days the log says changed since the model's materialisation.
 * Checks run at the end, so a failing check cannot undo the partitions already written (as with
 * --skip-checks); it fails the run, the model is not recorded materialised and the models
 * downstream of it are not built.
 */
import path from 'node:path';
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { discoverFiles, ingestPaths, type FileOutcome } from '../ingest/index.js';
import type { QualitySummary } from '../quality/index.js';
import { StrataError, describeError, isStrataError, modelsDir } from '../shared/index.js';
import { INGEST, QUALITY_SILVER, buildAssetGraph, type AssetDef } from './assets/index.js';
import { appendEvents, createEventBus, runEventLog, type PipelineEvent, type RunRequest } from './events/index.js';
import { loadGoldModels } from './model-graph.js';
import { dayKey, dayOfKey, daysBetween, readOnlyDays, partitionFilter, partitionScope, sqlHash, sortedDays, type MaterializationDetail } from './partitions/index.js';
import { plan } from './planner/index.js';
import { partitionOf, readState, runPipeline, totalsOfWarehouse, type PipelineOptions, type PipelineResult } from './run-pipeline.js';
import { finishRun, recordStep, startRun } from './run-store.js';
import { checkEvents, evaluateChecks, materializeModel } from './steps/gold-model-step.js';
import { recordChecks, replaceRelation, type CheckOutcome, type GoldResult } from './steps/gold-step.js';
import { runQualitySilver } from './steps/quality-silver-step.js';
import type { BatchAccount } from './steps/silver-step.js';

export type BackfillPolicy = 'single-run' | 'run-per-day';

export interface BackfillDay {
  readonly day: string;
  readonly runId: string;
  readonly status: PipelineResult['status'];
  readonly durationMs: number;
}

export interface BackfillResult {
  readonly policy: BackfillPolicy;
  readonly days: readonly BackfillDay[];
  /** single-run: the run itself; run-per-day: the run that built the models not partitioned (absent when a day failed). */
  readonly final: PipelineResult | null;
  readonly durationMs: number;
}

export type BackfillOptions = Omit<PipelineOptions, 'partitions' | 'scope' | 'forceGold' | 'ingestOnly' | 'sources'> & {
  readonly from: string;
  readonly to: string;
  readonly policy?: BackfillPolicy;
  readonly onDay?: (day: BackfillDay) => void;
};

/**
 * With a dispatcher (STRATA_EXECUTION=queue) every day is a run of its own whose steps go to the
 * workers: the single-run policy works inside one process's transaction per day, which a worker
 * pool cannot share.
 */
export async function backfillByDay(warehouse: Warehouse, config: StrataConfig, options: BackfillOptions): Promise<BackfillResult> {
  const policy = options.dispatcher ? 'run-per-day' : (options.policy ?? 'single-run');
  return policy === 'single-run' ? backfillInOneRun(warehouse, config, options) : backfillRunPerDay(warehouse, config, options);
}

async function backfillRunPerDay(warehouse: Warehouse, config: StrataConfig, options: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const days: BackfillDay[] = [];
  const { from, to, onDay, policy: _policy, ...base } = options;
  const elapsed = (): number => Math.round(performance.now() - started);
  for (const day of daysBetween(from, to)) {
    if (options.signal?.aborted) break;
    const result = await runPipeline(warehouse, config, { ...base, command: base.command ?? 'backfill', partitions: [day], scope: 'partitioned' });
    const entry = { day, runId: result.runId, status: result.status, durationMs: result.durationMs };
    days.push(entry);
    onDay?.(entry);
    if (result.status === 'failed') return { policy: 'run-per-day', days, final: null, durationMs: elapsed() };
  }
  const final = options.signal?.aborted ? null : await runPipeline(warehouse, config, { ...base, inputs: [], command: base.command ?? 'backfill' });
  return { policy: 'run-per-day', days, final, durationMs: elapsed() };
}

/** Time spent per stage, summed over the days (stages interleave in a single-run backfill). */
class StageClock {
  private readonly spent = new Map<string, { first: Date; ms: number }>();
  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const entry = this.spent.get(stage) ?? { first: new Date(), ms: 0 };
    this.spent.set(stage, entry);
    try {
      return await work();
    } finally {
      entry.ms += performance.now() - t;
    }
  }
  /** The stage's first start and its start plus the time spent in it (its duration in meta.run_steps). */
  span(stage: string): { startedAt: Date; finishedAt: Date } | null {
    const entry = this.spent.get(stage);
    return entry ? { startedAt: entry.first, finishedAt: new Date(entry.first.getTime() + Math.round(entry.ms)) } : null;
  }
}

async function backfillInOneRun(warehouse: Warehouse, config: StrataConfig, options: BackfillOptions): Promise<BackfillResult> {
  const started = performance.now();
  const command = options.command ?? 'backfill';
  const checksOn = options.checks !== false;
  const runDays = daysBetween(options.from, options.to);
  const runId = await startRun(warehouse, command, { expiryMs: config.runHeartbeatExpiryMs });
  const bus = options.bus ?? createEventBus();
  const { publish, log, settled } = runEventLog(warehouse, bus);
  const request: RunRequest = {
    command,
    inputs: options.inputs.map((i) => path.resolve(i)),
    dateOrder: options.dateOrder ?? null,
    forceGold: false,
    ingestOnly: false,
    checks: checksOn,
    retryOf: options.retryOf ?? null,
    partitions: runDays,
    backfill: 'single-run',
  };
  void log({ kind: 'run_started', runId, detail: request });

  const clock = new StageClock();
  const days: BackfillDay[] = [];
  const files: FileOutcome[] = [];
  const batches: BatchAccount[] = [];
  let quality: QualitySummary | null = null;
  let error: StrataError | null = null;
  const goldModels: { name: string; rows: number; ms: number; partitions?: 'all' | readonly string[] }[] = [];
  const goldChecks: CheckOutcome[] = [];
  const startedSteps = new Set<string>();
  const failedSteps = new Set<string>();
  const stepStarted = (asset: string): void => {
    if (startedSteps.has(asset)) return;
    startedSteps.add(asset);
    void log({ kind: 'step_started', runId, stepId: asset, asset, attempt: 1 });
  };

  try {
    const graph = buildAssetGraph(options.goldModels ?? loadGoldModels(path.join(modelsDir(), 'gold')));
    const gold = graph.assets.filter((a) => a.kind === 'gold_model');
    const byKey = new Map(gold.map((a) => [a.key, a]));
    const partitioned = gold.filter((a) => a.partitioning === 'day');
    // The models (not partitioned) that the partitioned ones read, directly or through each other:
    // a day's partitions need them, so they are rebuilt during the days; the rest waits for the end.
    const perDay = new Set<string>();
    const need = (key: string): void => {
      const asset = byKey.get(key);
      if (!asset) return;
      if (asset.partitioning === 'none') perDay.add(key);
      (asset.reads ?? []).forEach(need);
    };
    partitioned.forEach((p) => (p.reads ?? []).forEach(need));
    const perDayDims = gold.filter((a) => perDay.has(a.key));
    const readersColumn = new Map(gold.flatMap((a) => (a.partitionColumn ? (a.reads ?? []).map((r) => [r, a.partitionColumn!] as const) : [])));
    const checksOf = (asset: AssetDef) => (checksOn ? graph.checks.filter((c) => c.asset === asset.key) : []);

    // What is out of date before any day: stale models rebuild on the first day (dims) or at the
    // end (the rest); partitions the log says changed are written with the first day.
    const state = await readState(warehouse, graph);
    const dirty = new Set(plan(graph, state, { inputs: [] }).steps.map((s) => s.asset));
    const parts = new Map<string, { full: boolean; pending: Set<string>; written: Set<string>; builtFull: boolean; ms: number; rows: number }>();
    for (const p of partitioned) {
      const scope = await partitionScope(warehouse, p, []);
      parts.set(p.key, { full: scope.kind === 'full', pending: new Set(scope.kind === 'days' ? scope.days : []), written: new Set(), builtFull: false, ms: 0, rows: 0 });
    }
    const dimMs = new Map<string, { ms: number; rows: number }>();
    let silverChanged = false;

    // 1. The landing files of the range, listed once, in day order; each file is its own batch.
    const wanted = new Set(runDays);
    const rangeFiles = options.inputs
      .flatMap((i) => discoverFiles(i).map((d) => d.path))
      .filter((f) => wanted.has(partitionOf(f)))
      .sort((x, y) => partitionOf(x).localeCompare(partitionOf(y)) || x.localeCompare(y));
    let pendingBatches = state.pendingBatches;
    if (rangeFiles.length) {
      stepStarted(INGEST);
      const report = await clock.time('ingest', () =>
        ingestPaths(warehouse, rangeFiles, {
          runId,
          stagingDir: path.join(config.dataDir, 'staging'),
          maxLineBytes: config.maxLineBytes,
          concurrency: config.ingestConcurrency,
          defaultDateOrder: config.defaultDateOrder,
          dateOrder: options.dateOrder,
        }),
      );
      files.push(...report.files);
      const loaded = report.files.flatMap((f) => (f.status === 'loaded' ? [f] : []));
      pendingBatches += loaded.length;
      await log(
        ...loaded.map((f): PipelineEvent => ({ kind: 'rows_written', runId, stepId: INGEST, asset: INGEST, partition: partitionOf(f.file), rows: f.batch.rowsIn })),
        ...(loaded.length ? [{ kind: 'asset_materialized', runId, stepId: INGEST, asset: INGEST, rows: report.rowsIn } as const] : []),
      );
    }
    // 2. Quality over the batches (results and books per batch), passing rows to silver.
    let silverDays: readonly string[] = [];
    if (pendingBatches > 0) {
      stepStarted(QUALITY_SILVER);
      const processed = await clock.time('quality_silver', () => runQualitySilver(warehouse, runId));
      publish(processed.events);
      quality = processed.summary;
      batches.push(...processed.accounts);
      silverDays = processed.days;
      silverChanged = processed.accounts.length > 0;
    }
    // 3. The models the partitions read, when their inputs changed (their checks come at the end).
    const dimDetails = new Map<string, MaterializationDetail>();
    for (const dim of perDayDims) {
      const inputsChanged = (dim.reads ?? []).some((r) => (r === QUALITY_SILVER ? silverChanged : dimDetails.has(r)));
      if (!inputsChanged && !dirty.has(dim.key)) continue;
      stepStarted(dim.key);
      const build = await clock.time('gold', () =>
        materializeModel(warehouse, runId, dim, [], (events) => log(...events), readersColumn.has(dim.key) ? { readersPartitionColumn: readersColumn.get(dim.key)! } : {}),
      );
      publish(build.events);
      dirty.delete(dim.key);
      const materialized = build.events.find((e) => e.kind === 'asset_materialized');
      dimDetails.set(dim.key, (materialized?.kind === 'asset_materialized' ? materialized.detail : undefined) ?? {});
      dimMs.set(dim.key, { ms: build.ms, rows: build.rows });
    }
    // Which days each partitioned model writes besides the range: the days its inputs changed, or,
    // when it is missing or out of date whole, every day of the sales calendar (its table starts empty).
    const [bounds] = await warehouse.query<{ first: string | null; last: string | null }>(
      `SELECT strftime(min(invoice_date), '%Y-%m-%d') AS first, strftime(max(invoice_date), '%Y-%m-%d') AS last FROM silver.transactions`,
    );
    const calendar = bounds?.first && bounds.last ? daysBetween(bounds.first, bounds.last) : [];
    for (const p of partitioned) {
      const own = parts.get(p.key)!;
      for (const r of p.reads ?? []) {
        if (r === QUALITY_SILVER) silverDays.forEach((d) => own.pending.add(d));
        else if (byKey.get(r)?.partitioning === 'day' && parts.get(r)!.full) own.full = true;
        else if (dimDetails.has(r)) {
          const detail = dimDetails.get(r)!;
          if (detail.changed_partitions) detail.changed_partitions.forEach((d) => own.pending.add(d));
          else if (detail.content_changed !== false && !detail.rows_added_only) own.full = true;
        }
      }
      if (own.full) {
        calendar.forEach((d) => own.pending.add(d));
        await clock.time('gold', () => warehouse.transaction((tx) => replaceRelation(tx, { name: p.key.slice(5), sql: `SELECT * FROM (${p.sql}) AS model LIMIT 0`, materialized: 'table' })));
        own.builtFull = true;
      }
    }
    // Days before the range (out of date, or of a rebuild) first, then the range in order.
    const beforeRange = sortedDays(partitioned.flatMap((p) => [...parts.get(p.key)!.pending])).filter((d) => d < runDays[0]!);
    const rest = new Set(partitioned.flatMap((p) => [...parts.get(p.key)!.pending]).filter((d) => d > runDays.at(-1)!));
    const order = [...beforeRange.map((d) => [d] as const), ...runDays.map((d, i) => (i === runDays.length - 1 ? [d, ...sortedDays(rest)] : [d]))];

    // 4. Day by day: each partitioned model's partition of that day (deleted and inserted again from
    //    its SQL), in graph order, committed with their rows_written events.
    partitioned.forEach((p) => stepStarted(p.key));
    for (const group of order) {
      const day = group[0];
      if (options.signal?.aborted) {
        error = new StrataError('STRATA_ERR_CANCELLED', `the backfill was cancelled before ${day}`);
        break;
      }
      const dayStarted = performance.now();
      try {
        const events = await clock.time('gold', () =>
          warehouse.transaction(async (tx) => {
            const written: Extract<PipelineEvent, { kind: 'rows_written' }>[] = [];
            // The usual day (only itself to write in every model): every model's delete and insert
            // in one call, in graph order, then one count of the day in all of them.
            if (group.length === 1 && wanted.has(day)) {
              const t = performance.now();
              const statements = partitioned.flatMap((p) => {
                const own = parts.get(p.key)!;
                const where = `${p.partitionColumn!} IN (${dayKey(day)})`;
                const name = p.key.slice(5);
                // A table this run created empty holds nothing of a day not yet written: no delete.
                const fresh = own.builtFull && !own.written.has(day);
                return [...(fresh ? [] : [`DELETE FROM gold.${name} WHERE ${where}`]), `INSERT INTO gold.${name} BY NAME SELECT * FROM (${readOnlyDays(p.sql!, p.dayInputs ?? [], [day])}) AS model WHERE ${where}`];
              });
              let counts: { asset: string; n: number }[];
              try {
                await tx.execute(statements.join(';\n'));
                counts = await tx.query<{ asset: string; n: number }>(
                  partitioned.map((p) => `SELECT '${p.key}' AS asset, count(*)::INTEGER AS n FROM ${p.key} WHERE ${p.partitionColumn!} = ${dayKey(day)}`).join(' UNION ALL '),
                );
              } catch (failure) {
                throw new StrataError('STRATA_ERR_MODEL', `the partitions of ${day} failed to build: ${(failure as Error).message}`, { cause: failure });
              }
              const byAsset = new Map(counts.map((c) => [c.asset, c.n]));
              const share = (performance.now() - t) / partitioned.length;
              for (const p of partitioned) {
                const own = parts.get(p.key)!;
                own.ms += share;
                own.written.add(day);
                written.push({ kind: 'rows_written', runId, stepId: p.key, asset: p.key, partition: day, rows: byAsset.get(p.key) ?? 0 });
              }
              await appendEvents(tx, written);
              return written;
            }
            for (const p of partitioned) {
              const own = parts.get(p.key)!;
              const days = group.filter((d) => wanted.has(d) || own.pending.has(d));
              if (!days.length) continue;
              // Day keys are integers of validated days: inlined, so delete and insert go in one call.
              const where = `${p.partitionColumn!} IN (${days.map(dayKey).join(', ')})`;
              const name = p.key.slice(5);
              const t = performance.now();
              let perDay: Map<string, number>;
              try {
                // The insert's row count is the day's rows (the day was deleted first); several days are counted apart.
                // A table this run created empty holds nothing of a day not yet written: no delete.
                const fresh = own.builtFull && days.every((d) => !own.written.has(d));
                const [inserted] = await tx.query<{ Count: string }>(`${fresh ? '' : `DELETE FROM gold.${name} WHERE ${where}; `}INSERT INTO gold.${name} BY NAME SELECT * FROM (${readOnlyDays(p.sql!, p.dayInputs ?? [], days)}) AS model WHERE ${where}`);
                perDay = days.length > 1
                  ? new Map((await tx.query<{ k: number; n: number }>(`SELECT ${p.partitionColumn!}::INTEGER AS k, count(*)::INTEGER AS n FROM gold.${name} WHERE ${where} GROUP BY 1`)).map((r) => [dayOfKey(r.k), r.n]))
                  : new Map([[days[0]!, Number(inserted?.Count ?? 0)]]);
              } catch (failure) {
                throw new StrataError('STRATA_ERR_MODEL', `model ${p.key} failed to build day ${days.join(', ')}: ${(failure as Error).message}`, { cause: failure });
              }
              own.ms += performance.now() - t;
              days.forEach((d) => own.written.add(d));
              written.push(...days.map((d) => ({ kind: 'rows_written' as const, runId, stepId: p.key, asset: p.key, partition: d, rows: perDay.get(d) ?? 0 })));
            }
            await appendEvents(tx, written);
            return written;
          }),
        );
        publish(events);
        if (wanted.has(day)) {
          const entry: BackfillDay = { day, runId, status: 'succeeded', durationMs: Math.round(performance.now() - dayStarted) };
          days.push(entry);
          options.onDay?.(entry);
        }
      } catch (caught) {
        const entry: BackfillDay = { day, runId, status: 'failed', durationMs: Math.round(performance.now() - dayStarted) };
        days.push(entry);
        options.onDay?.(entry);
        throw caught;
      }
    }
    for (const p of partitioned) {
      const own = parts.get(p.key)!;
      const [{ n } = { n: 0 }] = await warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${p.key}`);
      own.rows = n;
    }

    // The end, in graph order: checks of what was built per day, the partitioned models recorded
    // materialised, and the models not partitioned built once (with their checks).
    const materializedHere = new Set<string>([...perDayDims.filter((d) => dimMs.has(d.key)).map((d) => d.key)]);
    if (!error) {
      for (const asset of gold) {
        const blockedBy = asset.deps.find((d) => failedSteps.has(d));
        if (blockedBy) {
          failedSteps.add(asset.key);
          await log({ kind: 'step_skipped', runId, stepId: asset.key, asset: asset.key, reason: `blocked: ${blockedBy} failed` });
          continue;
        }
        const checks = checksOf(asset);
        try {
          if (asset.partitioning === 'day') {
            const own = parts.get(asset.key)!;
            const days = sortedDays(own.written);
            const filter = own.builtFull ? undefined : partitionFilter(asset.partitionColumn!, days);
            let outcomes: CheckOutcome[] = [];
            const t = performance.now();
            try {
              await clock.time('gold', () =>
                warehouse.transaction(async (tx) => {
                  outcomes = await evaluateChecks(tx, checks, own.rows, filter);
                  const failed = outcomes.find((o) => o.severity === 'error' && o.failures > 0);
                  if (failed) throw new StrataError('STRATA_ERR_MODEL_CHECK', `${asset.key}: check ${failed.check} failed for ${failed.failures} row(s); the model was not recorded materialised and the models downstream of it were not built`);
                  const detail: MaterializationDetail = own.builtFull ? { sql_md5: sqlHash(asset.sql!), full: true } : { sql_md5: sqlHash(asset.sql!), changed_partitions: days };
                  const events: PipelineEvent[] = [...checkEvents(runId, asset.key, outcomes), { kind: 'asset_materialized', runId, stepId: asset.key, asset: asset.key, rows: own.rows, detail: { ...detail } }];
                  await recordChecks(tx, runId, outcomes);
                  await appendEvents(tx, events);
                  publish(events);
                }),
              );
            } catch (failure) {
              if (outcomes.length) {
                await recordChecks(warehouse, runId, outcomes);
                await log(...checkEvents(runId, asset.key, outcomes));
              }
              throw failure;
            } finally {
              goldChecks.push(...outcomes);
              own.ms += performance.now() - t;
            }
            materializedHere.add(asset.key);
            goldModels.push({ name: asset.key.slice(5), rows: own.rows, ms: Math.round(own.ms), partitions: own.builtFull ? 'all' : days });
          } else if (perDay.has(asset.key) && !dirty.has(asset.key)) {
            // Built during the days (or up to date): its checks, once.
            if (!checks.length || !dimMs.has(asset.key)) continue;
            const outcomes = await clock.time('gold', () => evaluateChecks(warehouse, checks, dimMs.get(asset.key)!.rows));
            goldChecks.push(...outcomes);
            await recordChecks(warehouse, runId, outcomes);
            await log(...checkEvents(runId, asset.key, outcomes));
            const failed = outcomes.find((o) => o.severity === 'error' && o.failures > 0);
            if (failed) throw new StrataError('STRATA_ERR_MODEL_CHECK', `${asset.key}: check ${failed.check} failed for ${failed.failures} row(s); the models downstream of it were not built`);
            goldModels.push({ name: asset.key.slice(5), rows: dimMs.get(asset.key)!.rows, ms: Math.round(dimMs.get(asset.key)!.ms) });
          } else {
            const upstreamChanged = dirty.has(asset.key) || (asset.reads ?? []).some((r) => (r === QUALITY_SILVER ? silverChanged : materializedHere.has(r)));
            if (!upstreamChanged) continue;
            stepStarted(asset.key);
            const build = await clock.time('gold', () =>
              materializeModel(warehouse, runId, asset, checks, (events) => log(...events), readersColumn.has(asset.key) ? { readersPartitionColumn: readersColumn.get(asset.key)! } : {}),
            );
            publish(build.events);
            goldChecks.push(...build.checks);
            materializedHere.add(asset.key);
            goldModels.push({ name: build.name, rows: build.rows, ms: build.ms });
          }
        } catch (caught) {
          failedSteps.add(asset.key);
          const failure = isStrataError(caught) ? caught : new StrataError('STRATA_ERR_ENGINE', describeError(caught), { cause: caught });
          await log({ kind: 'step_failed', runId, stepId: asset.key, asset: asset.key, attempts: 1, errorCode: failure.code, error: describeError(failure) });
          error ??= failure;
        }
      }
    }
    for (const asset of startedSteps) {
      if (!failedSteps.has(asset)) await log({ kind: 'step_succeeded', runId, stepId: asset, asset, attempts: 1, changed: true });
    }
  } catch (caught) {
    error = isStrataError(caught) ? caught : new StrataError('STRATA_ERR_ENGINE', describeError(caught), { cause: caught });
    for (const asset of startedSteps) {
      if (!failedSteps.has(asset)) await log({ kind: 'step_failed', runId, stepId: asset, asset, attempts: 1, errorCode: error.code, error: describeError(error) });
    }
  }

  const totalsOf = (accounts: readonly BatchAccount[]) => ({
    rows_in: accounts.reduce((s, a) => s + a.rows_in, 0),
    rows_to_silver: accounts.reduce((s, a) => s + a.rows_to_silver, 0),
    rows_quarantined: accounts.reduce((s, a) => s + a.rows_quarantined, 0),
    duplicates_removed: accounts.reduce((s, a) => s + a.duplicates_removed, 0),
  });
  const totals = totalsOf(batches);
  for (const [stage, counts] of [
    ['ingest', { rowsOut: totals.rows_in }],
    ['quality_silver', { rowsIn: totals.rows_in, rowsOut: totals.rows_to_silver, detail: totals }],
    ['gold', { rowsOut: goldModels.find((m) => m.name === 'fact_sales')?.rows ?? 0, detail: goldModels }],
  ] as const) {
    const span = clock.span(stage);
    if (span) await recordStep(warehouse, runId, { step: stage, status: error && stage === 'gold' ? 'failed' : 'succeeded', ...span, ...counts });
  }
  const logFailure = await settled();
  if (logFailure && !error) error = logFailure;
  const failedFiles = files.filter((f) => f.status === 'failed').length;
  const allFilesFailed = failedFiles > 0 && failedFiles === files.length;
  const status: 'succeeded' | 'partial' | 'failed' = error || allFilesFailed ? 'failed' : failedFiles > 0 ? 'partial' : 'succeeded';
  const message = error ? describeError(error) : failedFiles ? `${failedFiles} file(s) could not be loaded` : undefined;
  await log({ kind: 'run_finished', runId, status, error: message ?? null });
  await finishRun(warehouse, runId, status, {
    totals,
    files: { loaded: files.filter((f) => f.status === 'loaded').length, skipped: files.filter((f) => f.status === 'skipped').length, failed: failedFiles },
    batches: batches.length,
    backfill: { policy: 'single-run', days: days.length },
  }, message);
  const durationMs = Math.round(performance.now() - started);
  const goldResult: GoldResult | null = goldModels.length || goldChecks.length ? { models: goldModels, checks: goldChecks } : null;
  const final: PipelineResult = {
    runId, status, durationMs, files, batches, totals,
    warehouseTotals: await totalsOfWarehouse(warehouse),
    quality, gold: goldResult, error, pulls: [],
  };
  return { policy: 'single-run', days, final, durationMs };
}
