/**
 * The same data through the whole pipeline (ingest -> quality -> silver -> gold, `runPipeline` as
 * `strata run` calls it) on embedded DuckDB and on the real PostgreSQL gives identical figures:
 * row counts per table, revenue to the cent, RFM segments, the cohort matrix, every gold mart row,
 * each batch's accounting and every quarantined line with its reason.
 *
 * Data: the real UCI Online Retail by-day files (all 305 by default; STRATA_CROSS_ENGINE_DAYS=N
 * takes the first N), plus two small files of our own with the dirt the real export lacks
 * (malformed numbers and dates, ragged and blank lines, a decimal comma, a month-first date file).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row, Warehouse } from '../../src/engine/index.js';
import { listRunHistory, showRun, type PipelineResult } from '../../src/pipeline/index.js';
import { readWarehouseState } from '../../src/pipeline/docs/index.js';
import { runOnBothEngines } from '../helpers/both-engines.js';
import { HEADER } from '../pipeline/run-in-process.js';
import { realDataDir, tempDir } from '../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres.js';

const pgSkip = await postgresUnavailable();
const days = Number(process.env['STRATA_CROSS_ENGINE_DAYS'] ?? 305);
const realFiles = readdirSync(realDataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, days).map((f) => path.join(realDataDir, f));

const DIRTY = [
  HEADER,
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
  '536366,22633,HAND WARMER UNION JACK,six,2010-12-01 08:28:00,1.85,17850.0,United Kingdom',
  '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,"1,69",13047.0,United Kingdom',
  '536368,22960,JAM MAKING SET WITH JARS,6,2011-02-30 08:34:00,4.25,13047.0,United Kingdom',
  '',
  '536369,21756,BATH BUILDING BLOCK WORD,3,2010-12-01 08:35:00,£5.95,13047.0,EIRE',
  ',22913,RED COAT RACK PARIS FASHION,3,2010-12-01 08:45:00,4.95,12583.0,France',
  '536370,22728,ALARM CLOCK BAKELIKE PINK,24,2010-12-01 08:45:00,3.75',
  '536371,"22727, ""BLUE""",ALARM CLOCK BAKELIKE RED ,24,2010-12-01 08:45:00,3.75,12583.0,France,extra',
  '536372,POST,POSTAGE,3,2010-12-01 08:45:00,18,12583.0,France',
  'C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom',
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
].join('\n');
const MONTH_FIRST = [
  HEADER,
  '581590,23145,ZINC T-LIGHT HOLDER STAR LARGE,4,12/10/11 9:05,0.95,12680.0,France',
  '581591,23146,TRIANGULAR POUFFE VINTAGE,2,12/10/11 13:30,12.75,12680.0,France',
  '581592,23147,SINGLE ANTIQUE ROSE HOOK IVORY,12,13/10/11 9:05,1.45,12680.0,France',
  '581593,23148,GARDEN METAL SIGN,6,12/31/11 18:00,1.65,,Unspecified',
].join('\n');

interface EngineRun {
  result: PipelineResult;
  warehouse: Warehouse;
  ms: number;
}

/** Gold and accounting figures, each as rows in a fixed order. */
const FIGURES: Readonly<Record<string, string>> = {
  table_rows: `SELECT 'bronze.transactions_raw' AS t, count(*)::BIGINT AS n FROM bronze.transactions_raw
     UNION ALL SELECT 'silver.transactions', count(*) FROM silver.transactions
     UNION ALL SELECT 'silver.duplicates', count(*) FROM silver.duplicates
     UNION ALL SELECT 'quality.quarantine', count(*) FROM quality.quarantine
     UNION ALL SELECT 'gold.fact_sales', count(*) FROM gold.fact_sales
     UNION ALL SELECT 'gold.dim_date', count(*) FROM gold.dim_date
     UNION ALL SELECT 'gold.dim_customer', count(*) FROM gold.dim_customer
     UNION ALL SELECT 'gold.dim_product', count(*) FROM gold.dim_product
     UNION ALL SELECT 'gold.dim_country', count(*) FROM gold.dim_country
     UNION ALL SELECT 'gold.dim_invoice', count(*) FROM gold.dim_invoice
     UNION ALL SELECT 'gold.mart_daily_sales', count(*) FROM gold.mart_daily_sales
     UNION ALL SELECT 'gold.mart_customer_rfm', count(*) FROM gold.mart_customer_rfm
     UNION ALL SELECT 'gold.mart_cohort_retention', count(*) FROM gold.mart_cohort_retention
     UNION ALL SELECT 'gold.mart_product_performance', count(*) FROM gold.mart_product_performance
     UNION ALL SELECT 'gold.mart_country_sales', count(*) FROM gold.mart_country_sales
     ORDER BY t`,
  revenue: `SELECT sum(line_total_gbp)::DECIMAL(18, 2)::VARCHAR AS revenue, sum(line_total_gbp) FILTER (WHERE is_sale)::DECIMAL(18, 2)::VARCHAR AS sales,
            count(DISTINCT invoice_no)::BIGINT AS invoices, sum(quantity)::BIGINT AS units FROM gold.fact_sales`,
  fact_by_day: `SELECT date_key, count(*)::BIGINT AS lines, sum(line_total_gbp)::VARCHAR AS revenue, sum(quantity)::BIGINT AS units,
                count(DISTINCT customer_key)::BIGINT AS customers FROM gold.fact_sales GROUP BY date_key ORDER BY date_key`,
  rfm_segments: 'SELECT segment, count(*)::BIGINT AS customers, sum(monetary_gbp)::VARCHAR AS monetary FROM gold.mart_customer_rfm GROUP BY segment ORDER BY segment',
  rfm: 'SELECT * FROM gold.mart_customer_rfm ORDER BY customer_id',
  cohorts: 'SELECT * FROM gold.mart_cohort_retention ORDER BY cohort_month, months_since_first',
  daily: 'SELECT * FROM gold.mart_daily_sales ORDER BY date_key',
  countries: 'SELECT * FROM gold.mart_country_sales ORDER BY country',
  products: 'SELECT * FROM gold.mart_product_performance ORDER BY stock_code',
  dim_date: 'SELECT * FROM gold.dim_date ORDER BY date_key',
  dim_customer: 'SELECT * FROM gold.dim_customer ORDER BY customer_key',
  dim_product: 'SELECT * FROM gold.dim_product ORDER BY product_key',
  dim_country: 'SELECT * FROM gold.dim_country ORDER BY country_key',
  dim_invoice: 'SELECT * FROM gold.dim_invoice ORDER BY invoice_no',
  batches: `SELECT file_name, lines_read, blank_lines, rows_in, rows_unparseable, rows_to_silver, rows_quarantined, rows_warned, duplicates_removed,
                   quality_score, date_order, date_order_source, status, header::VARCHAR AS header FROM bronze.batches ORDER BY file_name`,
  quarantine: 'SELECT batch_id, file, line, rule_id, column_name, value, reason FROM quality.quarantine ORDER BY batch_id, line, rule_id',
  duplicates: 'SELECT batch_id, source_line, kept_batch_id, kept_line FROM silver.duplicates ORDER BY batch_id, source_line',
  checks: `SELECT batch_id, target, rule_id, rows_checked, rows_failed, passed FROM quality.check_results
           WHERE batch_id IS NOT NULL ORDER BY batch_id, rule_id`,
  bronze_lines: `SELECT _batch_id, count(*)::BIGINT AS n, min(_line)::BIGINT AS first, max(_line)::BIGINT AS last, sum(_line)::BIGINT AS line_sum,
                        count(_parse_error)::BIGINT AS unparseable FROM bronze.transactions_raw GROUP BY _batch_id ORDER BY _batch_id`,
};

describe.skipIf(pgSkip !== null)(`cross-engine: ${realFiles.length} real days + dirty files, DuckDB and PostgreSQL`, () => {
  const dirs = tempDir('strata-cross-');
  let db: TestDatabase;
  const runs: Partial<Record<'duckdb' | 'postgres', EngineRun>> = {};
  const figures: Partial<Record<'duckdb' | 'postgres', Record<string, Row[]>>> = {};

  beforeAll(async () => {
    const extra = path.join(dirs.dir, 'inputs');
    mkdirSync(extra);
    writeFileSync(path.join(extra, 'dirty-2011-12-10.csv'), DIRTY + '\n');
    writeFileSync(path.join(extra, 'month-first-2011-12-11.csv'), MONTH_FIRST + '\n');
    const inputs = [...realFiles, path.join(extra, 'dirty-2011-12-10.csv'), path.join(extra, 'month-first-2011-12-11.csv')];
    db = await createTestDatabase();
    for await (const { engine, result, warehouse, ms } of runOnBothEngines(dirs.dir, db.url, { inputs })) {
      runs[engine] = { result, warehouse, ms };
      const collected: Record<string, Row[]> = {};
      for (const [name, sql] of Object.entries(FIGURES)) collected[name] = await warehouse.query(sql);
      figures[engine] = collected;
    }
    console.log(`cross-engine: ${inputs.length} files, ${runs.duckdb!.result.totals.rows_in} rows: DuckDB ${runs.duckdb!.ms} ms, PostgreSQL ${runs.postgres!.ms} ms`);
  }, 1_800_000);

  afterAll(async () => {
    await runs.duckdb?.warehouse.close();
    await runs.postgres?.warehouse.close();
    await db?.drop();
    dirs.cleanup();
  });

  it('both runs succeed with the same totals, and the books balance per batch', () => {
    const [duck, pg] = [runs.duckdb!.result, runs.postgres!.result];
    expect(duck.error).toBeNull();
    expect(pg.error).toBeNull();
    expect(pg.status).toBe(duck.status);
    expect(pg.totals).toEqual(duck.totals);
    expect(pg.warehouseTotals).toEqual(duck.warehouseTotals);
    expect(pg.batches).toEqual(duck.batches);
    for (const b of pg.batches) expect(b.rows_in).toBe(b.rows_to_silver + b.rows_quarantined + b.duplicates_removed);
    expect(duck.totals.rows_quarantined).toBeGreaterThanOrEqual(5);
    expect(duck.totals.duplicates_removed).toBeGreaterThan(0);
    expect(duck.batches).toHaveLength(realFiles.length + 2);
  });

  for (const name of Object.keys(FIGURES)) {
    it(`${name}: identical on both engines`, () => {
      const [duck, pg] = [figures.duckdb![name]!, figures.postgres![name]!];
      expect(duck.length).toBeGreaterThan(0);
      expect(pg).toEqual(duck);
    });
  }

  it('the run history (`strata runs`, `runs show`) and the docs page\'s asset states read the same from both event logs', async () => {
    const read = async (warehouse: Warehouse) => {
      const [latest] = await listRunHistory(warehouse, 5);
      const detail = await showRun(warehouse, latest!.run_id);
      const state = await readWarehouseState(warehouse);
      return {
        run: { command: latest!.command, status: latest!.status, error: latest!.error, finished: latest!.finished_at !== null, timed: (latest!.duration_ms ?? -1) >= 0 },
        steps: detail.steps.map(({ duration_ms: _ms, ...step }) => step).sort((a, b) => a.step_id.localeCompare(b.step_id)),
        checks: [...detail.checks].sort((a, b) => `${a.asset}|${a.check}`.localeCompare(`${b.asset}|${b.check}`)),
        assets: [...state.assets].map(([asset, s]) => [asset, s.outcome?.status ?? null, s.materialized?.rows ?? null] as const).sort((a, b) => a[0].localeCompare(b[0])),
        assetChecks: [...state.checks].map(([key, c]) => [key, c.passed, c.failures] as const).sort((a, b) => a[0].localeCompare(b[0])),
        columns: [...state.columns].map(([relation, cols]) => [relation, cols.map((c) => c.name)] as const).sort((a, b) => a[0].localeCompare(b[0])),
      };
    };
    const [duck, pg] = [await read(runs.duckdb!.warehouse), await read(runs.postgres!.warehouse)];
    expect(duck.run).toMatchObject({ status: 'succeeded', finished: true, timed: true });
    expect(duck.steps.length).toBeGreaterThan(10);
    expect(duck.checks.length).toBeGreaterThan(10);
    expect(duck.assets.length).toBeGreaterThan(10);
    expect(duck.columns.length).toBeGreaterThan(10);
    expect(pg).toEqual(duck);
  });

  it('the figures are the real ones, not two equal empties', () => {
    const revenue = figures.postgres!['revenue']![0] as { revenue: string; invoices: string };
    expect(Number(revenue.revenue)).toBeGreaterThan(0);
    if (realFiles.length === 305) {
      // The whole data set: the numbers docs/metrics.md is written against.
      const rows = Object.fromEntries(figures.postgres!['table_rows']!.map((r) => [r['t'], Number(r['n'])]));
      expect(rows['gold.mart_daily_sales']).toBeGreaterThan(300);
      expect(rows['gold.mart_customer_rfm']).toBeGreaterThan(4000);
    }
    const months = figures.postgres!['quarantine']!.map((q) => q['reason']);
    expect(months.length).toBeGreaterThanOrEqual(5);
  });
});
