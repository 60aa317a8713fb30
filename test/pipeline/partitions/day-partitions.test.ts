/**
 * Day partitions on the real daily files: re-running a partition (or a range) leaves gold.fact_sales
 * and gold.mart_daily_sales byte-identical (content hash over the ordered rows) with no row growth;
 * a new daily file rebuilds only its days; a change that renumbers a dimension rebuilds everything;
 * a failed partition build leaves the table as it was; a per-day backfill equals one full run.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type StrataConfig } from '../../../src/config/index.js';
import type { Warehouse } from '../../../src/engine/index.js';
import {
  backfillByDay, buildAssetGraph, contentHash, loadGoldModels, openProjectWarehouse, plan, runPipeline,
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

  it('declares fact_sales and mart_daily_sales partitioned by day, the other models not', () => {
    const graph = buildAssetGraph(models);
    expect(graph.assets.filter((a) => a.partitioning === 'day' && a.kind === 'gold_model').map((a) => [a.key, a.partitionColumn])).toEqual([
      ['gold.fact_sales', 'date_key'],
      ['gold.mart_daily_sales', 'date_key'],
    ]);
    expect(graph.assets.find((a) => a.key === 'gold.fact_sales')!.reads).toEqual(['quality_silver', 'gold.dim_country']);
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
    const incremental = await snapshot(w.warehouse);
    expect(incremental.factRows).toBeGreaterThan(first.factRows);
    // The same tables as rebuilding everything from silver.
    const rebuilt = await runPipeline(w.warehouse, w.config, { inputs: [], forceGold: true });
    expect(partitionsOf(rebuilt, 'fact_sales')).toBe('all');
    expect(await snapshot(w.warehouse)).toEqual(incremental);
  });

  it('a late file with a new country renumbers dim_country, so every partition is rebuilt', async () => {
    const before = await snapshot(w.warehouse);
    w.add('2010-12-09');
    const result = await runPipeline(w.warehouse, w.config, { inputs: [w.landing] });
    expect(partitionsOf(result, 'fact_sales')).toBe('all');
    const after = await snapshot(w.warehouse);
    expect(after.factRows).toBeGreaterThan(before.factRows);
    await runPipeline(w.warehouse, w.config, { inputs: [], forceGold: true });
    expect(await snapshot(w.warehouse)).toEqual(after);
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
    expect(steps.map((s) => s.id)).toEqual(['ingest', 'quality_silver', 'gold.dim_country', 'gold.dim_customer', 'gold.dim_date', 'gold.dim_product', 'gold.fact_sales', 'gold.mart_daily_sales']);
    expect(steps.find((s) => s.id === 'gold.fact_sales')).toMatchObject({ when: 'always', reason: 'forced', partitions: ['2010-12-02'] });
    expect(steps.find((s) => s.id === 'gold.dim_date')?.partitions).toBeUndefined();
  });
});

describe('a per-day backfill', () => {
  it('builds the same gold as one full run of the same files', async () => {
    const days = ['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-05'];
    const full = await warehouseWith(days);
    const daily = await warehouseWith([]);
    try {
      expect((await runPipeline(full.warehouse, full.config, { inputs: [full.landing] })).status).toBe('succeeded');
      const backfill = await backfillByDay(daily.warehouse, daily.config, { inputs: [full.landing], from: '2010-12-01', to: '2010-12-05' });
      expect(backfill.days.map((d) => [d.day, d.status])).toEqual([
        ['2010-12-01', 'succeeded'], ['2010-12-02', 'succeeded'], ['2010-12-03', 'succeeded'], ['2010-12-04', 'succeeded'], ['2010-12-05', 'succeeded'],
      ]);
      expect(backfill.final?.status).toBe('succeeded');
      // The marts that are not partitioned are built by the final run only.
      expect(built(backfill.final!)).toContain('mart_customer_rfm');
      const runs = await daily.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meta.events WHERE kind = 'asset_materialized' AND asset = 'gold.mart_customer_rfm'`);
      expect(runs[0]!.n).toBe(1);
      // Same files (fact_sales keeps their path) and batch ids are content hashes: the rows compare exactly.
      expect(await snapshot(daily.warehouse)).toEqual(await snapshot(full.warehouse));
      for (const mart of ['mart_customer_rfm', 'mart_country_sales', 'mart_cohort_retention']) {
        const key = models.find((m) => m.name === mart)!.key;
        expect(await contentHash(daily.warehouse, `gold.${mart}`, key), mart).toEqual(await contentHash(full.warehouse, `gold.${mart}`, key));
      }
    } finally {
      await full.warehouse.close();
      await daily.warehouse.close();
    }
  });
});
