/**
 * runPipeline on the asset graph against a real (in-memory) warehouse: the event log as the
 * record of a run, the bus, state-based planning on re-runs, blocking by `error` checks only
 * downstream, `warn` never blocking, checks off for a backfill, interrupted runs and retries.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import {
  createEventBus, listRunHistory, loadGoldModels, markInterruptedRuns, retryRun, runPipeline, showRun,
  type Model, type PipelineEvent,
} from '../../../src/pipeline/index.js';
import { modelsDir } from '../../../src/shared/index.js';
import { FIXTURE } from '../../gold/fixture.js';
import { runInProcess, type InProcessRun } from '../run-in-process.js';

let run: InProcessRun;
const realModels = loadGoldModels(path.join(modelsDir(), 'gold'));
const config = () => loadConfig({ dataDir: run.dir, warehousePath: ':memory:', duckdbThreads: 1 }, {});

/** The real models, with `model` held to an extra check of `severity` that every row fails. */
const failing = (model: string, severity: 'error' | 'warn'): Model[] =>
  realModels.map((m) => (m.name === model ? { ...m, checks: [...m.checks, { kind: 'expression', name: 'always_fails', violation: 'true', severity }] } : m));

const stepStatuses = async (runId: string): Promise<Record<string, string>> =>
  Object.fromEntries((await showRun(run.warehouse, runId)).steps.map((s) => [s.step_id, s.status]));

beforeAll(async () => {
  run = await runInProcess(FIXTURE);
  if (run.result.error) throw run.result.error;
});
afterAll(() => run.close());

describe('a run on the asset graph', () => {
  it('keeps the accounting and gold result of the fixed pipeline', () => {
    expect(run.result.status).toBe('succeeded');
    expect(run.result.totals).toEqual({ rows_in: 11, rows_to_silver: 10, rows_quarantined: 0, duplicates_removed: 1 });
    expect(run.result.gold?.models.map((m) => m.name)).toEqual([
      'dim_country', 'dim_customer', 'dim_date', 'dim_product', 'fact_sales', 'dim_invoice',
      'mart_cohort_retention', 'mart_country_sales', 'mart_customer_days', 'mart_customer_rfm', 'mart_daily_sales', 'mart_order_days',
      'mart_product_performance', 'mart_sales_day_country', 'mart_sales_periods',
    ]);
  });

  it('is recorded in the append-only event log, from run_started to run_finished', async () => {
    const kinds = await run.warehouse.query<{ kind: string }>('SELECT kind FROM meta.events WHERE run_id = $id ORDER BY event_id', { id: run.result.runId });
    expect(kinds[0]?.kind).toBe('run_started');
    expect(kinds.at(-1)?.kind).toBe('run_finished');
    const detail = await showRun(run.warehouse, run.result.runId);
    expect(detail.status).toBe('succeeded');
    expect(detail.steps.find((s) => s.step_id === 'ingest')).toMatchObject({ status: 'succeeded', attempts: 1, rows_written: 11 });
    expect(detail.steps.find((s) => s.step_id === 'quality_silver')).toMatchObject({ status: 'succeeded', rows_written: 10 });
    expect(detail.steps.find((s) => s.step_id === 'gold.fact_sales')).toMatchObject({ status: 'succeeded', rows_written: 10 });
    expect(detail.checks.length).toBeGreaterThan(20);
    expect(detail.checks.every((c) => c.passed)).toBe(true);
    // meta.run_steps keeps its three stage rows for the status command and the API.
    const stages = await run.warehouse.query<{ step: string }>('SELECT step FROM meta.run_steps WHERE run_id = $id ORDER BY started_at', { id: run.result.runId });
    expect(stages.map((s) => s.step)).toEqual(['ingest', 'quality_silver', 'gold']);
  });

  it('does nothing downstream when re-run on the same files, and the bus says so', async () => {
    const bus = createEventBus();
    const seen: PipelineEvent[] = [];
    bus.onAny((e) => seen.push(e));
    const result = await runPipeline(run.warehouse, config(), { inputs: [run.dir], bus });
    expect(result.status).toBe('succeeded');
    expect(result.gold).toBeNull();
    expect(result.totals).toEqual({ rows_in: 0, rows_to_silver: 0, rows_quarantined: 0, duplicates_removed: 0 });
    expect(seen.map((e) => e.kind)).not.toContain('asset_materialized');
    expect(seen.filter((e) => e.kind === 'step_skipped').length).toBe(16);
    expect(seen.at(-1)).toMatchObject({ kind: 'run_finished', status: 'succeeded' });
  });

  it('publishes each materialised gold asset on the bus, for cache invalidation', async () => {
    const bus = createEventBus();
    const materialized: string[] = [];
    bus.on('asset_materialized', (e) => materialized.push(e.asset));
    await runPipeline(run.warehouse, config(), { inputs: [], forceGold: true, bus });
    expect(materialized).toHaveLength(15);
    expect(materialized).toContain('gold.mart_daily_sales');
  });
});

describe('checks and blocking', () => {
  it('an error check that fails blocks only the assets downstream of the one it checks', async () => {
    const before = await run.warehouse.query('SELECT count(*)::INTEGER AS n FROM gold.dim_date');
    const result = await runPipeline(run.warehouse, config(), { inputs: [], forceGold: true, goldModels: failing('dim_date', 'error') });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('STRATA_ERR_MODEL_CHECK');
    const steps = await stepStatuses(result.runId);
    expect(steps).toMatchObject({
      'gold.dim_country': 'succeeded', 'gold.dim_customer': 'succeeded', 'gold.dim_product': 'succeeded',
      'gold.dim_date': 'failed', 'gold.fact_sales': 'skipped', 'gold.dim_invoice': 'skipped', 'gold.mart_daily_sales': 'skipped',
    });
    const detail = await showRun(run.warehouse, result.runId);
    expect(detail.steps.find((s) => s.step_id === 'gold.mart_daily_sales')?.reason).toBe('blocked: gold.dim_date failed');
    expect(detail.checks).toContainEqual({ asset: 'gold.dim_date', check: 'always_fails', severity: 'error', passed: false, failures: 42 });
    // The failing model was rolled back: readers still see the previous build.
    expect(await run.warehouse.query('SELECT count(*)::INTEGER AS n FROM gold.dim_date')).toEqual(before);
  });

  it('the next run rebuilds exactly what the failure left stale (dim_date kept its valid previous build)', async () => {
    const result = await runPipeline(run.warehouse, config(), { inputs: [] });
    expect(result.status).toBe('succeeded');
    expect(result.gold?.models.map((m) => m.name).sort()).toEqual([
      'dim_invoice', 'fact_sales', 'mart_cohort_retention', 'mart_country_sales', 'mart_customer_days', 'mart_customer_rfm', 'mart_daily_sales', 'mart_order_days',
      'mart_product_performance', 'mart_sales_day_country', 'mart_sales_periods',
    ]);
  });

  it('a warn check never blocks', async () => {
    const result = await runPipeline(run.warehouse, config(), { inputs: [], forceGold: true, goldModels: failing('dim_date', 'warn') });
    expect(result.status).toBe('succeeded');
    expect(result.gold?.models).toHaveLength(15);
    expect(result.gold?.checks).toContainEqual(expect.objectContaining({ model: 'dim_date', check: 'always_fails', severity: 'warn', failures: 42 }));
  });

  it('checks can be switched off for a backfill', async () => {
    const result = await runPipeline(run.warehouse, config(), { inputs: [], forceGold: true, checks: false, goldModels: failing('dim_date', 'error') });
    expect(result.status).toBe('succeeded');
    expect(result.gold?.checks).toEqual([]);
    expect((await showRun(run.warehouse, result.runId)).checks).toEqual([]);
  });
});

describe('run history', () => {
  it('marks a run that never finished as interrupted, and a retry asks for the same work again', async () => {
    await run.warehouse.execute(
      `INSERT INTO meta.events (run_id, occurred_at, kind, detail) VALUES ('run_dead', now(), 'run_started', $detail::JSON)`,
      { detail: JSON.stringify({ command: 'run', inputs: [run.dir], dateOrder: null, forceGold: true, ingestOnly: false, checks: true, retryOf: null }) },
    );
    expect((await listRunHistory(run.warehouse))[0]).toMatchObject({ run_id: 'run_dead', status: 'running' });
    // No owner in meta.runs (a run from before owners were recorded): dead whatever the expiry.
    expect(await markInterruptedRuns(run.warehouse, { expiryMs: 3_600_000 })).toBe(0);
    expect((await listRunHistory(run.warehouse))[0]).toMatchObject({ run_id: 'run_dead', status: 'interrupted' });

    const retried = await retryRun(run.warehouse, config(), 'run_dead');
    expect(retried.status).toBe('succeeded');
    expect(retried.gold?.models).toHaveLength(15);
    const [latest] = await listRunHistory(run.warehouse, 1);
    expect(latest).toMatchObject({ run_id: retried.runId, command: 'run (retry)', retry_of: 'run_dead', status: 'succeeded' });
  });

  it('marks interrupted only runs whose heartbeat expired or that have no owner; a fresh heartbeat keeps its run', async () => {
    await run.warehouse.execute(
      `INSERT INTO meta.runs (run_id, command, status, started_at, owner_id, heartbeat_at) VALUES
         ('run_alive', 'run', 'running', now(), 'host-a:101:aaaaaa', now() - INTERVAL 5 SECOND),
         ('run_expired', 'run', 'running', now(), 'host-b:202:bbbbbb', now() - INTERVAL 90 SECOND),
         ('run_ownerless', 'run', 'running', now(), NULL, NULL)`,
    );
    const statuses = async (): Promise<Record<string, string>> =>
      Object.fromEntries(
        (await run.warehouse.query<{ run_id: string; status: string }>(`SELECT run_id, status FROM meta.runs WHERE run_id IN ('run_alive', 'run_expired', 'run_ownerless')`)).map((r) => [r.run_id, r.status]),
      );
    expect(await markInterruptedRuns(run.warehouse, { expiryMs: 60_000 })).toBe(2);
    expect(await statuses()).toEqual({ run_alive: 'running', run_expired: 'interrupted', run_ownerless: 'interrupted' });
    // Marking again finds nothing new; 0 (a process holding the file alone) takes the live-looking one too.
    expect(await markInterruptedRuns(run.warehouse, { expiryMs: 60_000 })).toBe(0);
    expect(await markInterruptedRuns(run.warehouse, { expiryMs: 0 })).toBe(1);
    expect((await statuses())['run_alive']).toBe('interrupted');
  });

  it('refuses to show or retry a run it does not know', async () => {
    await expect(showRun(run.warehouse, 'run_nope')).rejects.toMatchObject({ code: 'STRATA_ERR_NOT_FOUND' });
  });
});
