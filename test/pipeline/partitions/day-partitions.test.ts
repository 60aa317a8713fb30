/**
 * Day partitions on the real daily files: re-running a partition (or a range) leaves gold.fact_sales
 * and gold.mart_daily_sales byte-identical (content hash over the ordered rows) with no row growth;
 * a new daily file rebuilds only its days, and every gold model then equals a full rebuild; a new
 * country adds a key without renumbering (only its day is rebuilt); a failed partition build leaves
 * the table as it was; a backfill (in one run or one run per day) equals one full run.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type StrataConfig } from '../../../src/config/index.js';
import type { Warehouse } from '../../../src/engine/index.js';
import {
  backfillByDay, buildAssetGraph, contentHash, loadGoldModels, openProjectWarehouse, plan, readOnlyDays, runPipeline,
  type Model, type PipelineResult,
} from '../../../src/pipeline/index.js';
import { modelsDir } from '../../../src/shared/index.js';
import { realDataDir, tempDir } from '../../helpers/cli.js';

const models = loadGoldModels(path.join(modelsDir(), 'gold'));
const temps: (() => void)[] = [];

async function warehouseWith(days: readonly string[]): Promise<{ warehouse: Warehouse; config: StrataConfig; landing: string; add: (day: string) => void }> {
  const temp = tempDir('strata-partitions-');
  temps.push(temp.cleanup);
  const landing = path.join(temp.dir, 'landing');
  mkdirSync(landing);
  const add = (day: string): void => copyFileSync(path.join(realDataDir, `${day}.csv`), path.join(landing, `${day}.csv`));
  days.forEach(add);
  const config = loadConfig({ dataDir: temp.dir, warehousePath: ':memory:', duckdbThreads: 1 }, {});
  const { warehouse } = await openProjectWarehouse(config);
  return { warehouse, config, landing, add };
}

interface Snapshot { fact: string; factRows: number; daily: string; dailyRows: number }
const snapshot = async (warehouse: Warehouse): Promise<Snapshot> => {
  const fact = await contentHash(warehouse, 'gold.fact_sales', ['batch_id', 'source_line']);
  const daily = await contentHash(warehouse, 'gold.mart_daily_sales', ['date_key']);
  return { fact: fact.md5, factRows: fact.rows, daily: daily.md5, dailyRows: daily.rows };
};

/** Every gold model's content hash, over its rows in the order of its key. */
const allGold = async (warehouse: Warehouse): Promise<Record<string, { md5: string; rows: number }>> =>
  Object.fromEntries(await Promise.all(models.map(async (m) => [m.name, await contentHash(warehouse, `gold.${m.name}`, m.key)] as const)));

const partitionsOf = (result: PipelineResult, model: string) => result.gold?.models.find((m) => m.name === model)?.partitions;
const built = (result: PipelineResult) => result.gold?.models.map((m) => m.name) ?? [];

afterAll(() => temps.splice(0).forEach((cleanup) => cleanup()));

describe('day partitions of gold', () => {
  let w: Awaited<ReturnType<typeof warehouseWith>>;
  let first: Snapshot;

  beforeAll(async () => {
    w = await warehouseWith(['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-05', '2010-12-06', '2010-12-07', '2010-12-08']);
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing] });
    expect(result.status).toBe('succeeded');
    expect(partitionsOf(result, 'fact_sales')).toBe('all');
    first = await snapshot(w.warehouse);
    expect(first.factRows).toBeGreaterThan(15_000);
  });
  afterAll(() => w.warehouse.close());

  it('declares fact_sales and the per-day marts partitioned by day, the other models not', () => {
    const graph = buildAssetGraph(models);
    expect(graph.assets.filter((a) => a.partitioning === 'day' && a.kind === 'gold_model').map((a) => [a.key, a.partitionColumn]).sort()).toEqual([
      ['gold.fact_sales', 'date_key'],
      ['gold.mart_customer_days', 'date_key'],
      ['gold.mart_daily_sales', 'date_key'],
      ['gold.mart_order_days', 'date_key'],
      ['gold.mart_sales_day_country', 'date_key'],
    ]);
    const fact = graph.assets.find((a) => a.key === 'gold.fact_sales')!;
    expect(fact.reads).toEqual(['quality_silver', 'gold.dim_country']);
    // What its partition builds read one day of: silver by its date; the marts read fact_sales by its key.
    expect(fact.dayInputs).toEqual([{ relation: 'silver.transactions', column: 'invoice_date', type: 'date' }]);
    expect(graph.assets.find((a) => a.key === 'gold.mart_daily_sales')!.dayInputs).toEqual([{ relation: 'gold.fact_sales', column: 'date_key', type: 'key' }]);
  });

  it('reads only the days of a partition build from its day-split inputs', () => {
    const sql = 'SELECT * FROM gold.fact_sales AS f JOIN gold.fact_sales_x AS x USING (k) -- gold.fact_sales\nJOIN silver.transactions s USING (k)';
    expect(readOnlyDays(sql, [{ relation: 'gold.fact_sales', column: 'date_key', type: 'key' }, { relation: 'silver.transactions', column: 'invoice_date', type: 'date' }], ['2010-12-01', '2010-12-03'])).toBe(
      "SELECT * FROM (SELECT * FROM gold.fact_sales WHERE date_key IN (20101201, 20101203)) AS f JOIN gold.fact_sales_x AS x USING (k) -- (SELECT * FROM gold.fact_sales WHERE date_key IN (20101201, 20101203))\n" +
        "JOIN (SELECT * FROM silver.transactions WHERE invoice_date IN (DATE '2010-12-01', DATE '2010-12-03')) s USING (k)",
    );
    expect(() => readOnlyDays(sql, [{ relation: 'silver.transactions', column: 'invoice_date', type: 'date' }], ["2010-12-01' OR true --"])).toThrow(/calendar day/);
  });

  it('re-running one partition three times gives byte-identical tables and no row growth', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing], partitions: ['2010-12-02'] });
      expect(result.status).toBe('succeeded');
      expect(partitionsOf(result, 'fact_sales')).toEqual(['2010-12-02']);
      expect(partitionsOf(result, 'mart_daily_sales')).toEqual(['2010-12-02']);
      expect(await snapshot(w.warehouse)).toEqual(first);
    }
    const [{ n } = { n: 0 }] = await w.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM gold.fact_sales WHERE date_key = 20101202`);
    expect(n).toBeGreaterThan(1000);
  });

  it('re-running a range of partitions (days without data included) changes nothing either', async () => {
    const days = ['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-04', '2010-12-05'];
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing], partitions: days });
    expect(partitionsOf(result, 'fact_sales')).toEqual(days);
    expect(await snapshot(w.warehouse)).toEqual(first);
  });

  it('a new daily file rebuilds only its day (and the gap day it adds to the calendar), then the marts', async () => {
    w.add('2010-12-10');
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing] });
    expect(result.status).toBe('succeeded');
    expect(partitionsOf(result, 'fact_sales')).toEqual(['2010-12-10']);
    // dim_date grows by 2010-12-09 (no sales) and 2010-12-10: both daily rows are new.
    expect(partitionsOf(result, 'mart_daily_sales')).toEqual(['2010-12-09', '2010-12-10']);
    expect(built(result)).toEqual(expect.arrayContaining(['mart_customer_rfm', 'mart_cohort_retention', 'mart_country_sales', 'mart_product_performance']));
    // The per-day marts rebuild only the new day (and the calendar's gap day), too.
    expect(partitionsOf(result, 'mart_sales_day_country')).toEqual(['2010-12-09', '2010-12-10']);
    expect(partitionsOf(result, 'mart_order_days')).toEqual(['2010-12-09', '2010-12-10']);
    const incremental = await snapshot(w.warehouse);
    expect(incremental.factRows).toBeGreaterThan(first.factRows);
    const everyModel = await allGold(w.warehouse);
    // The same tables as rebuilding everything from silver, every gold model.
    const rebuilt = await runPipeline(w.warehouse, w.config, { inputs: [], forceGold: true });
    expect(partitionsOf(rebuilt, 'fact_sales')).toBe('all');
    expect(await snapshot(w.warehouse)).toEqual(incremental);
    expect(await allGold(w.warehouse)).toEqual(everyModel);
  });

  it('a late file with a new country adds its key and renumbers none: only its day is rebuilt', async () => {
    const before = await snapshot(w.warehouse);
    const keysBefore = await w.warehouse.query<{ country: string; country_key: number }>('SELECT country, country_key FROM gold.dim_country ORDER BY country');
    w.add('2010-12-09');
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing] });
    expect(result.status).toBe('succeeded');
    const keysAfter = await w.warehouse.query<{ country: string; country_key: number }>('SELECT country, country_key FROM gold.dim_country ORDER BY country');
    expect(keysAfter.length).toBeGreaterThan(keysBefore.length);
    expect(keysAfter).toEqual(expect.arrayContaining(keysBefore));
    const [materialized] = await w.warehouse.query<{ detail: string }>(`SELECT detail::VARCHAR AS detail FROM meta.events WHERE kind = 'asset_materialized' AND asset = 'gold.dim_country' ORDER BY event_id DESC LIMIT 1`);
    expect(JSON.parse(materialized!.detail)).toEqual({ content_changed: true, rows_added_only: true });
    expect(partitionsOf(result, 'fact_sales')).toEqual(['2010-12-09']);
    const after = await snapshot(w.warehouse);
    expect(after.factRows).toBeGreaterThan(before.factRows);
    const everyModel = await allGold(w.warehouse);
    await runPipeline(w.warehouse, w.config, { inputs: [], forceGold: true });
    expect(await snapshot(w.warehouse)).toEqual(after);
    expect(await allGold(w.warehouse)).toEqual(everyModel);
  });

  it('a partition build that fails its checks is rolled back whole: the table is as it was', async () => {
    const before = await snapshot(w.warehouse);
    const failing: Model[] = models.map((m) => (m.name === 'fact_sales' ? { ...m, checks: [...m.checks, { kind: 'expression', name: 'always_fails', violation: 'true', severity: 'error' }] } : m));
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing], partitions: ['2010-12-03'], goldModels: failing });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('STRATA_ERR_MODEL_CHECK');
    expect(await snapshot(w.warehouse)).toEqual(before);
  });

  it('plans a per-day backfill run as the partitioned models and what they read, nothing else', () => {
    const graph = buildAssetGraph(models);
    const state = { pendingBatches: 0, missing: [], lastMaterialized: Object.fromEntries(graph.assets.map((a, i) => [a.key, i + 1])) };
    const steps = plan(graph, state, { inputs: ['landing/2010-12-02.csv'], partitions: ['2010-12-02'], scope: 'partitioned' }).steps;
    expect(steps.map((s) => s.id)).toEqual([
      'ingest', 'quality_silver', 'gold.dim_country', 'gold.dim_customer', 'gold.dim_date', 'gold.dim_product', 'gold.fact_sales',
      'gold.mart_customer_days', 'gold.mart_daily_sales', 'gold.mart_order_days', 'gold.mart_sales_day_country',
    ]);
    expect(steps.find((s) => s.id === 'gold.fact_sales')).toMatchObject({ when: 'always', reason: 'forced', partitions: ['2010-12-02'] });
    expect(steps.find((s) => s.id === 'gold.dim_date')?.partitions).toBeUndefined();
  });
});

describe('a per-day backfill', () => {
  const days = ['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-05'];
  let full: Awaited<ReturnType<typeof warehouseWith>>;
  let fullGold: Awaited<ReturnType<typeof allGold>>;
  beforeAll(async () => {
    full = await warehouseWith(days);
    expect((await runPipeline(full.warehouse, full.config, { inputs: [full.landing] })).status).toBe('succeeded');
    fullGold = await allGold(full.warehouse);
  });
  afterAll(() => full.warehouse.close());

  it('in one run (the default) writes each day in order and builds the same gold as one full run', async () => {
    const daily = await warehouseWith([]);
    try {
      const backfill = await backfillByDay(daily.warehouse, daily.config, { inputs: [full.landing], from: '2010-12-01', to: '2010-12-05' });
      expect(backfill.policy).toBe('single-run');
      expect(backfill.days.map((d) => [d.day, d.status])).toEqual([
        ['2010-12-01', 'succeeded'], ['2010-12-02', 'succeeded'], ['2010-12-03', 'succeeded'], ['2010-12-04', 'succeeded'], ['2010-12-05', 'succeeded'],
      ]);
      expect(backfill.final?.status).toBe('succeeded');
      // One run: every day has its run id, and the log holds one run.
      expect(new Set(backfill.days.map((d) => d.runId))).toEqual(new Set([backfill.final!.runId]));
      const [{ runs } = { runs: 0 }] = await daily.warehouse.query<{ runs: number }>(`SELECT count(*)::INTEGER AS runs FROM meta.events WHERE kind = 'run_started'`);
      expect(runs).toBe(1);
      // Each file its own batch, and quality results per batch.
      expect(backfill.final!.batches.map((b) => path.basename(b.file_path)).sort()).toEqual(days.map((d) => `${d}.csv`));
      const [{ batches } = { batches: 0 }] = await daily.warehouse.query<{ batches: number }>(`SELECT count(DISTINCT batch_id)::INTEGER AS batches FROM quality.check_results WHERE batch_id IS NOT NULL`);
      expect(batches).toBe(4);
      // Each partitioned model wrote each day of the range once, in day order, then was recorded materialised once.
      const writes = await daily.warehouse.query<{ partition_key: string }>(`SELECT partition_key FROM meta.events WHERE kind = 'rows_written' AND asset = 'gold.fact_sales' ORDER BY event_id`);
      expect(writes.map((w) => w.partition_key)).toEqual(['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-04', '2010-12-05']);
      const materialized = await daily.warehouse.query<{ asset: string; n: number }>(`SELECT asset, count(*)::INTEGER AS n FROM meta.events WHERE kind = 'asset_materialized' AND asset LIKE 'gold.%' GROUP BY 1 ORDER BY 1`);
      expect(materialized.every((m) => m.n === 1)).toBe(true);
      expect(materialized.map((m) => m.asset)).toEqual(models.map((m) => `gold.${m.name}`).sort());
      // The checks ran once, at the end: one result per check of every model.
      const checks = await daily.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meta.events WHERE kind = 'check_evaluated' AND asset = 'gold.fact_sales'`);
      expect(checks[0]!.n).toBe(buildAssetGraph(models).checks.filter((c) => c.asset === 'gold.fact_sales').length);
      // Same files (fact_sales keeps their path) and batch ids are content hashes: the rows compare exactly.
      expect(await allGold(daily.warehouse)).toEqual(fullGold);

      // Backfilling the same range again materialises every day again and changes nothing.
      const again = await backfillByDay(daily.warehouse, daily.config, { inputs: [full.landing], from: '2010-12-01', to: '2010-12-05' });
      expect(again.final?.status).toBe('succeeded');
      expect(partitionsOf(again.final!, 'fact_sales')).toEqual(['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-04', '2010-12-05']);
      expect(await allGold(daily.warehouse)).toEqual(fullGold);
      // And the planner sees it all up to date: a plain run afterwards builds nothing.
      const plain = await runPipeline(daily.warehouse, daily.config, { inputs: [] });
      expect(built(plain)).toEqual([]);
    } finally {
      await daily.warehouse.close();
    }
  });

  it('one run per day, then one for the rest, builds the same gold too', async () => {
    const daily = await warehouseWith([]);
    try {
      const backfill = await backfillByDay(daily.warehouse, daily.config, { inputs: [full.landing], from: '2010-12-01', to: '2010-12-05', policy: 'run-per-day' });
      expect(backfill.days.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
      expect(new Set(backfill.days.map((d) => d.runId)).size).toBe(5);
      expect(backfill.final?.status).toBe('succeeded');
      // The marts that are not partitioned are built by the final run only.
      expect(built(backfill.final!)).toContain('mart_customer_rfm');
      const runs = await daily.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meta.events WHERE kind = 'asset_materialized' AND asset = 'gold.mart_customer_rfm'`);
      expect(runs[0]!.n).toBe(1);
      expect(await allGold(daily.warehouse)).toEqual(fullGold);
    } finally {
      await daily.warehouse.close();
    }
  });
});
