/**
 * /metrics after a real pipeline run (four real days) and real API traffic: every figure equals
 * the warehouse's own, labels are route templates, and the captured log of a login, API calls
 * and the run carries ids on every line and no secrets or raw customer ids.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymOf } from '../../src/observability/index.js';
import { realDataDir } from '../helpers/cli.js';
import { ADMIN_PASSWORD, sample, startFreshApp, type FreshApp } from './fresh-app.js';

const DAYS = ['2011-03-01.csv', '2011-03-02.csv', '2011-03-03.csv', '2011-03-04.csv'];

let fresh: FreshApp;
let token: string;
let metrics: string;
let customerId: string;
const KPI_CALLS = 5;

beforeAll(async () => {
  fresh = await startFreshApp();
  const landing = path.join(fresh.dataDir, 'landing');
  mkdirSync(landing);
  for (const day of DAYS) copyFileSync(path.join(realDataDir, day), path.join(landing, day));
  const result = await fresh.app.strata.runner.run({ inputs: [landing], command: 'test' });
  expect(result.status).toBe('succeeded');

  token = await fresh.login();
  const auth = { authorization: `Bearer ${token}` };
  for (let i = 0; i < KPI_CALLS; i++) expect((await fresh.app.inject({ url: '/api/v1/kpis', headers: auth })).statusCode).toBe(200);
  expect((await fresh.app.inject({ url: '/api/v1/kpis' })).statusCode).toBe(401);
  expect((await fresh.app.inject({ url: '/api/v1/no-such-route', headers: auth })).statusCode).toBe(404);
  const [first] = await fresh.sql<{ id: string }>('SELECT customer_id::VARCHAR AS id FROM silver.transactions WHERE customer_id IS NOT NULL ORDER BY customer_id LIMIT 1');
  customerId = first!.id;
  expect((await fresh.app.inject({ url: `/api/v1/customers/${customerId}`, headers: auth })).statusCode).toBe(200);
  metrics = (await fresh.app.inject({ url: '/metrics' })).body;
}, 120_000);

afterAll(async () => {
  await fresh?.close();
});

describe('/metrics after a real run and API load', () => {
  it('counts rows in, out and quarantined per asset exactly as the warehouse holds them', async () => {
    const [w] = await fresh.sql<Record<string, number>>(
      `SELECT (SELECT count(*) FROM bronze.transactions_raw)::DOUBLE AS bronze, (SELECT sum(rows_in) FROM bronze.batches)::DOUBLE AS rows_in,
              (SELECT count(*) FROM silver.transactions)::DOUBLE AS silver, (SELECT count(*) FROM quality.quarantine)::DOUBLE AS quarantined,
              (SELECT sum(duplicates_removed) FROM bronze.batches)::DOUBLE AS duplicates, (SELECT count(*) FROM gold.fact_sales)::DOUBLE AS fact_sales,
              (SELECT count(*) FROM gold.mart_daily_sales)::DOUBLE AS mart_daily_sales`,
    );
    expect(w!.bronze).toBeGreaterThan(1000);
    expect(sample(metrics, 'strata_pipeline_rows_in_total', { asset: 'ingest' })).toBe(w!.bronze);
    expect(sample(metrics, 'strata_pipeline_rows_out_total', { asset: 'ingest' })).toBe(w!.bronze);
    expect(sample(metrics, 'strata_pipeline_rows_in_total', { asset: 'quality_silver' })).toBe(w!.rows_in);
    expect(sample(metrics, 'strata_pipeline_rows_out_total', { asset: 'quality_silver' })).toBe(w!.silver);
    expect(sample(metrics, 'strata_pipeline_rows_quarantined_total', { asset: 'quality_silver' })).toBe(w!.quarantined);
    expect(sample(metrics, 'strata_pipeline_duplicates_removed_total', { asset: 'quality_silver' })).toBe(w!.duplicates);
    expect(sample(metrics, 'strata_pipeline_rows_out_total', { asset: 'gold.fact_sales' })).toBe(w!.fact_sales);
    expect(sample(metrics, 'strata_pipeline_rows_out_total', { asset: 'gold.mart_daily_sales' })).toBe(w!.mart_daily_sales);
    expect(sample(metrics, 'strata_pipeline_runs_total', { status: 'succeeded' })).toBe(1);
    expect(sample(metrics, 'strata_data_rows', { layer: 'silver' })).toBe(w!.silver);
  });

  it('times every step of the run once, by asset', async () => {
    const steps = await fresh.sql<{ asset: string }>(`SELECT DISTINCT asset FROM meta.events WHERE kind = 'step_succeeded' ORDER BY asset`);
    expect(steps.length).toBeGreaterThan(5);
    for (const { asset } of steps) expect(sample(metrics, 'strata_pipeline_step_duration_seconds_count', { asset, status: 'succeeded' })).toBe(1);
    expect(sample(metrics, 'strata_pipeline_run_duration_seconds_count', { status: 'succeeded' })).toBe(1);
  });

  it('reports the latest batch score, failures per rule and freshness per asset as in the warehouse', async () => {
    const [latest] = await fresh.sql<{ score: number }>(`SELECT quality_score AS score FROM bronze.batches ORDER BY processed_at DESC, batch_id DESC LIMIT 1`);
    expect(sample(metrics, 'strata_quality_batch_score', { source: 'csv' })).toBeCloseTo(latest!.score, 9);
    const rules = await fresh.sql<{ rule_id: string; severity: string; rows: number }>(`SELECT rule_id, severity, sum(rows_failed)::DOUBLE AS rows FROM quality.check_results GROUP BY ALL`);
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) expect(sample(metrics, 'strata_quality_rule_failed_rows', { rule: r.rule_id, severity: r.severity })).toBe(r.rows);
    const failing = rules.filter((r) => r.rows > 0 && r.severity === 'warn');
    for (const r of failing) expect(sample(metrics, 'strata_quality_rule_failures_total', { rule: r.rule_id })).toBe(r.rows);
    const assets = await fresh.sql<{ asset: string; at: number }>(`SELECT asset, epoch(max(occurred_at))::DOUBLE AS at FROM meta.events WHERE kind = 'asset_materialized' GROUP BY asset`);
    for (const a of assets) {
      expect(sample(metrics, 'strata_asset_last_materialized_timestamp_seconds', { asset: a.asset })).toBeCloseTo(a.at, 3);
      const age = sample(metrics, 'strata_asset_freshness_seconds', { asset: a.asset })!;
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(120);
    }
  });

  it('exports the latest day revenue and orders as the mart has them', async () => {
    const [day] = await fresh.sql<{ revenue: number; orders: number; day: number }>(
      `SELECT revenue_gbp::DOUBLE AS revenue, orders::DOUBLE AS orders, epoch(date::TIMESTAMP)::DOUBLE AS day FROM gold.mart_daily_sales WHERE lines > 0 ORDER BY date DESC LIMIT 1`,
    );
    const [kpi] = await fresh.sql<{ revenue: number }>(`SELECT sum(line_total_gbp)::DOUBLE AS revenue FROM gold.fact_sales WHERE date_key = (SELECT max(date_key) FROM gold.fact_sales)`);
    expect(day!.day).toBe(Date.UTC(2011, 2, 4) / 1000);
    expect(sample(metrics, 'strata_business_latest_day_revenue_gbp')).toBeCloseTo(day!.revenue, 2);
    expect(sample(metrics, 'strata_business_latest_day_revenue_gbp')).toBeCloseTo(kpi!.revenue, 2);
    expect(sample(metrics, 'strata_business_latest_day_orders')).toBe(day!.orders);
    expect(sample(metrics, 'strata_business_latest_day_timestamp_seconds')).toBe(day!.day);
  });

  it('counts requests, errors and latency by route template, and the cache hit ratio', () => {
    expect(sample(metrics, 'strata_http_requests_total', { method: 'GET', route: '/api/v1/kpis', status: '200' })).toBe(KPI_CALLS);
    expect(sample(metrics, 'strata_http_requests_total', { method: 'GET', route: '/api/v1/kpis', status: '401' })).toBe(1);
    expect(sample(metrics, 'strata_http_request_errors_total', { method: 'GET', route: '/api/v1/kpis', class: '4xx' })).toBe(1);
    expect(sample(metrics, 'strata_http_request_errors_total', { method: 'GET', route: 'not_found', class: '4xx' })).toBe(1);
    expect(sample(metrics, 'strata_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/kpis' })).toBe(KPI_CALLS + 1);
    expect(sample(metrics, 'strata_http_requests_total', { method: 'GET', route: '/api/v1/customers/:id', status: '200' })).toBe(1);
    // No raw URL, customer id or unknown path ever becomes a label.
    expect(metrics).not.toContain(customerId);
    expect(metrics).not.toContain('no-such-route');
    const hits = sample(metrics, 'strata_cache_requests_total', { route: '/api/v1/kpis', result: 'hit' })!;
    const misses = sample(metrics, 'strata_cache_requests_total', { route: '/api/v1/kpis', result: 'miss' })!;
    expect(hits).toBe(KPI_CALLS - 1);
    expect(sample(metrics, 'strata_cache_hit_ratio')).toBeCloseTo(hits / (hits + misses + 1), 9); // + the customer page's miss
  });

  it('follows the naming conventions: units or _total on every Strata metric', () => {
    const names = [...new Set([...metrics.matchAll(/^# TYPE (strata_\S+) (\w+)/gm)].map((m) => `${m[1]} ${m[2]}`))];
    const ours = names.filter((n) => !/^strata_(process|nodejs)_/.test(n));
    expect(ours.length).toBeGreaterThan(25);
    for (const entry of ours) {
      const [name, type] = entry.split(' ');
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
    }
  });
});

describe('the server log', () => {
  it('has a request id or run id on every line, the level from config, and JSON throughout', () => {
    const lines = fresh.lines();
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line['instance_id']).toMatch(/^[0-9a-f]{8}$/);
      expect(Boolean(line['reqId'] || line['run_id']), JSON.stringify(line)).toBe(true);
    }
    const runLines = lines.filter((l) => l['run_id']);
    expect(runLines.some((l) => l['event'] === 'run_finished' && l['status'] === 'succeeded')).toBe(true);
    expect(runLines.some((l) => l['event'] === 'step_succeeded' && l['asset'] === 'gold.fact_sales')).toBe(true);
    expect(lines.some((l) => l['level'] === 20)).toBe(true); // debug, as configured
    const login = lines.find((l) => (l['req'] as { url?: string } | undefined)?.url === '/api/v1/auth/login');
    expect(login?.['reqId']).toBeTruthy();
  });

  it('never holds the password, the token, or a raw customer id; the customer appears pseudonymised', () => {
    const text = fresh.logs.join('\n');
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]!);
    expect(text).not.toMatch(new RegExp(`customers/${customerId}\\b`));
    expect(text).toContain(`/api/v1/customers/${pseudonymOf(fresh.salt, customerId)}`);
  });

  it('answers every request with its id in x-request-id and keeps a well-formed id a caller sends', async () => {
    const mine = await fresh.app.inject({ url: '/health', headers: { 'x-request-id': 'trace-0123456789' } });
    expect(mine.headers['x-request-id']).toBe('trace-0123456789');
    const hostile = await fresh.app.inject({ url: '/health', headers: { 'x-request-id': 'bad id\n{"level":60}' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.logs.some((l) => l.includes('"reqId":"trace-0123456789"'))).toBe(true);
  });
});
