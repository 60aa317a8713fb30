/**
 * The real Online Retail data through the built CLI, once, then every layer held to figures
 * computed from the raw files by independent SQL (raw-figures.ts) and to each other.
 */
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realDataDir, runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { rawFigures, type RawFigures } from './raw-figures.js';

type Rows = Record<string, string>[];

let raw: RawFigures;
let run: CliResult;
let instance: DuckDBInstance;
let db: DuckDBConnection;
const temp = tempDir('strata-reconcile-');

const query = async (sql: string): Promise<Rows> => (await db.runAndReadAll(sql)).getRowObjectsJson() as Rows;
const one = async (sql: string): Promise<Record<string, string>> => (await query(sql))[0]!;
const penny = (expr: string): string => `round(${expr}, 2)::DECIMAL(18, 2)::VARCHAR`;

beforeAll(async () => {
  [raw, run] = await Promise.all([
    rawFigures(realDataDir),
    runCli(['--json', 'run', realDataDir], { dataDir: temp.dir, timeoutMs: 170_000 }),
  ]);
  if (run.code !== 0) throw new Error(`strata run failed (${run.code}): ${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  instance = await DuckDBInstance.create(path.join(temp.dir, 'strata.duckdb'), { access_mode: 'READ_ONLY' });
  db = await instance.connect();
});

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
  temp.cleanup();
});

describe('the raw files, read independently', () => {
  it('hold 541,909 data lines, 5,268 exact duplicates and 3 bad-debt adjustment lines', () => {
    expect(raw.totals).toMatchObject({ rows: '541909', duplicates: '5268', negative_price_rows: '2', bad_debt_rows: '3', kept_rows: '536638' });
    expect([...raw.dataLinesPerFile.values()].reduce((a, b) => a + b, 0)).toBe(541_909);
  });
});

describe('bronze and the row accounting', () => {
  it('lands every data line of every file in bronze', async () => {
    const perFile = await query(`SELECT _file AS file, count(*)::VARCHAR AS n FROM bronze.transactions_raw GROUP BY 1`);
    expect(Object.fromEntries(perFile.map((r) => [r.file, Number(r.n)]))).toEqual(Object.fromEntries(raw.dataLinesPerFile));
    const batches = await query(`SELECT file_path, rows_in::VARCHAR AS rows_in FROM bronze.batches`);
    expect(Object.fromEntries(batches.map((b) => [b.file_path, Number(b.rows_in)]))).toEqual(Object.fromEntries(raw.dataLinesPerFile));
  });

  it('accounts for every bronze row of every batch as silver, quarantine or duplicate, counted in the tables themselves', async () => {
    const broken = await query(`
      WITH bronze AS (SELECT _batch_id AS batch_id, count(*) AS n FROM bronze.transactions_raw GROUP BY 1),
      silver AS (SELECT batch_id, count(*) AS n FROM silver.transactions GROUP BY 1),
      quarantined AS (SELECT batch_id, count(DISTINCT line) AS n FROM quality.quarantine GROUP BY 1),
      dupes AS (SELECT batch_id, count(*) AS n FROM silver.duplicates GROUP BY 1)
      SELECT b.batch_id, b.rows_in, b.rows_to_silver, b.rows_quarantined, b.duplicates_removed, r.n AS bronze_rows
      FROM bronze.batches b JOIN bronze r USING (batch_id)
      LEFT JOIN silver s USING (batch_id) LEFT JOIN quarantined q USING (batch_id) LEFT JOIN dupes d USING (batch_id)
      WHERE b.rows_in <> r.n
         OR b.rows_in <> b.rows_to_silver + b.rows_quarantined + b.duplicates_removed
         OR b.rows_to_silver <> coalesce(s.n, 0) OR b.rows_quarantined <> coalesce(q.n, 0) OR b.duplicates_removed <> coalesce(d.n, 0)`);
    expect(broken).toEqual([]);
  });

  it('reports the same totals on the command line as the raw files give', () => {
    expect(run.json.status).toBe('succeeded');
    const { rows, kept_rows, bad_debt_rows, duplicates } = raw.totals;
    expect(run.json.totals).toEqual({ rows_in: Number(rows), rows_to_silver: Number(kept_rows), rows_quarantined: Number(bad_debt_rows), duplicates_removed: Number(duplicates) });
    expect(run.json.batches).toHaveLength(raw.dataLinesPerFile.size);
  });

  it('quarantines exactly the bad-debt adjustment lines, by file and line', async () => {
    const lines = await query(`SELECT DISTINCT file, line::INTEGER AS line FROM quality.quarantine ORDER BY file, line`);
    expect(lines).toEqual(raw.badDebtLines);
  });

  it('removes exactly as many duplicates as the raw files hold, each pointing at a kept line of the same key', async () => {
    const totals = await one(`
      SELECT (SELECT count(*) FROM silver.duplicates)::VARCHAR AS duplicates,
             (SELECT count(*) FROM silver.duplicates d
               WHERE NOT EXISTS (SELECT 1 FROM silver.transactions s
                                 WHERE s.transaction_key = d.transaction_key AND s.batch_id = d.kept_batch_id AND s.source_line = d.kept_line))::VARCHAR AS orphans`);
    expect(totals).toEqual({ duplicates: raw.totals.duplicates, orphans: '0' });
  });
});

describe('silver and gold against the raw figures', () => {
  it('has the net revenue, sales, orders, customers and units of the raw files', async () => {
    const silver = await one(`SELECT count(*)::VARCHAR AS kept_rows, ${penny('sum(line_total_gbp)')} AS net_revenue FROM silver.transactions`);
    const fact = await one(`
      SELECT count(*)::VARCHAR AS kept_rows, ${penny('sum(line_total_gbp)')} AS net_revenue, ${penny('sum(line_total_gbp) FILTER (WHERE is_sale)')} AS sales,
             count(DISTINCT invoice_no) FILTER (WHERE is_sale)::VARCHAR AS orders,
             count(DISTINCT customer_key) FILTER (WHERE is_sale AND NOT is_guest)::VARCHAR AS customers,
             sum(quantity) FILTER (WHERE is_sale)::VARCHAR AS units
      FROM gold.fact_sales`);
    const { kept_rows, net_revenue, sales, orders, customers, units } = raw.totals;
    expect(silver).toEqual({ kept_rows, net_revenue });
    expect(fact).toEqual({ kept_rows, net_revenue, sales, orders, customers, units });
  });

  it('adds fact_sales up to silver exactly, to the fourth decimal', async () => {
    const sums = await one(`SELECT (SELECT sum(line_total_gbp) FROM silver.transactions)::VARCHAR AS silver,
                                   (SELECT sum(line_total_gbp) FROM gold.fact_sales)::VARCHAR AS gold,
                                   (SELECT sum(quantity) FROM silver.transactions)::VARCHAR AS silver_units,
                                   (SELECT sum(quantity) FROM gold.fact_sales)::VARCHAR AS gold_units`);
    expect(sums.gold).toBe(sums.silver);
    expect(sums.gold_units).toBe(sums.silver_units);
  });

  it('has per-country revenue, orders and units of the raw files', async () => {
    const marts = await query(`SELECT country, revenue_gbp::VARCHAR AS revenue, orders::VARCHAR AS orders, units::VARCHAR AS units
                               FROM gold.mart_country_sales ORDER BY country`);
    expect(marts).toEqual(raw.byCountry);
  });

  it('has the revenue, orders and customers of the raw files on sample days', async () => {
    const days = raw.byDay.map((d) => `'${d.day}'`).join(', ');
    const marts = await query(`SELECT date::VARCHAR AS day, revenue_gbp::VARCHAR AS revenue, orders::VARCHAR AS orders, customers::VARCHAR AS customers
                               FROM gold.mart_daily_sales WHERE date IN (${days}) ORDER BY date`);
    expect(raw.byDay).toHaveLength(4);
    expect(marts).toEqual(raw.byDay);
  });

  it('ranks the top ten products by net revenue as the raw files do', async () => {
    const top = await query(`SELECT stock_code AS code, revenue_gbp::VARCHAR AS revenue FROM gold.mart_product_performance
                             ORDER BY revenue_rank, stock_code LIMIT 10`);
    expect(top).toEqual(raw.topProducts);
  });
});

describe('gold marts against the fact table', () => {
  it('adds the daily mart up to the fact totals', async () => {
    const sums = await one(`
      WITH mart AS (SELECT sum(revenue_gbp) AS revenue, sum(sales_gbp) AS sales, sum(orders) AS orders, sum(units) AS units,
                           sum(lines) AS lines, count(*) AS days FROM gold.mart_daily_sales),
      fact AS (SELECT sum(line_total_gbp) AS revenue, sum(line_total_gbp) FILTER (WHERE is_sale) AS sales,
                      count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders, sum(quantity) FILTER (WHERE is_sale) AS units,
                      count(*) AS lines, max(invoice_ts)::DATE - min(invoice_ts)::DATE + 1 AS days FROM gold.fact_sales)
      SELECT abs(mart.revenue - fact.revenue) <= 0.005 * mart.days AS revenue_within_rounding,
             abs(mart.sales - fact.sales) <= 0.005 * mart.days AS sales_within_rounding,
             mart.orders = fact.orders AS orders, mart.units = fact.units AS units, mart.lines = fact.lines AS lines,
             mart.days = fact.days AS every_calendar_day
      FROM mart, fact`);
    expect(sums).toEqual({ revenue_within_rounding: true, sales_within_rounding: true, orders: true, units: true, lines: true, every_calendar_day: true });
  });

  it('adds the country mart up to the fact totals', async () => {
    const sums = await one(`
      SELECT (SELECT sum(revenue_gbp) FROM gold.mart_country_sales)::VARCHAR AS revenue,
             (SELECT sum(orders) FROM gold.mart_country_sales)::VARCHAR AS orders,
             (SELECT sum(units) FROM gold.mart_country_sales)::VARCHAR AS units,
             (SELECT round(sum(revenue_share), 4) FROM gold.mart_country_sales)::VARCHAR AS share`);
    expect(sums).toEqual({ revenue: raw.totals.net_revenue, orders: raw.totals.orders, units: raw.totals.units, share: '1.0' });
  });

  it('scores every customer with a sale in RFM and puts each in exactly one month-0 cohort', async () => {
    const counts = await one(`
      SELECT (SELECT count(*) FROM gold.mart_customer_rfm)::VARCHAR AS rfm_customers,
             (SELECT sum(cohort_size) FROM gold.mart_cohort_retention WHERE months_since_first = 0)::VARCHAR AS cohort_customers,
             (SELECT count(*) FROM gold.mart_customer_rfm WHERE r_score = 5)::INTEGER > 0 AS some_recent,
             (SELECT count(DISTINCT f_score) FROM gold.mart_customer_rfm WHERE frequency = 1)::INTEGER AS scores_for_one_order`);
    expect(counts).toEqual({ rfm_customers: raw.totals.customers, cohort_customers: raw.totals.customers, some_recent: true, scores_for_one_order: 1 });
  });

  it('keeps one invoice row per invoice whose order values add up to the sales', async () => {
    const invoices = await one(`
      SELECT (SELECT count(*) FROM gold.dim_invoice)::VARCHAR AS invoices,
             (SELECT count(DISTINCT invoice_no) FROM gold.fact_sales)::VARCHAR AS fact_invoices,
             (SELECT ${penny('sum(invoice_total_gbp)')} FROM gold.dim_invoice)::VARCHAR AS total`);
    expect(invoices.invoices).toBe(invoices.fact_invoices);
    expect(invoices.total).toBe(raw.totals.net_revenue);
  });

  it('records every declared gold check of the run as passed', async () => {
    const failed = await query(`SELECT target, rule_id FROM quality.check_results WHERE batch_id IS NULL AND NOT passed`);
    const checked = await one(`SELECT count(DISTINCT target)::VARCHAR AS models FROM quality.check_results WHERE batch_id IS NULL`);
    expect(failed).toEqual([]);
    expect(Number(checked.models)).toBeGreaterThanOrEqual(11);
  });
});
