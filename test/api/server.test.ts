/**
 * The API on a real listening socket: tokens, ETag/304, ingest through the pipeline with
 * Idempotency-Key (and the cache it invalidates), erasure, readiness, metrics and OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, ROLE_USERS, startHarness, type Harness } from './helpers/api-harness.js';

let h: Harness;
let base: string;
let token: string;
beforeAll(async () => {
  h = await startHarness();
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ROLE_USERS.admin, password: PASSWORD }) });
  token = ((await login.json()) as { access_token: string }).access_token;
}, 300_000);
afterAll(async () => h?.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

describe('a listening server', () => {
  it('answers health and readiness without a token', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    h.app.strata.state.loading = 'loading the demo data';
    const loading = await fetch(`${base}/ready`);
    expect(loading.status).toBe(503);
    expect(((await loading.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'STRATA_ERR_NOT_READY', message: 'loading the demo data' });
    h.app.strata.state.loading = null;
  });

  it('serves cached KPIs with an ETag and answers 304 when the client has them', async () => {
    const first = await get('/api/v1/kpis?from=2011-06-01&to=2011-06-30');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"g\d+-/);
    const second = await get('/api/v1/kpis?from=2011-06-01&to=2011-06-30');
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(await second.json()).toEqual(await first.json());
    const conditional = await get('/api/v1/kpis?from=2011-06-01&to=2011-06-30', { 'if-none-match': etag });
    expect(conditional.status).toBe(304);
    expect(await conditional.text()).toBe('');
  });

  it('publishes the OpenAPI document and the docs page', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/kpis', '/api/v1/sales/timeseries', '/api/v1/sales', '/api/v1/customers/segments', '/api/v1/customers/{id}', '/api/v1/cohorts', '/api/v1/churn', '/api/v1/products/top', '/api/v1/countries', '/api/v1/anomalies', '/api/v1/forecast', '/api/v1/search/products', '/api/v1/quality', '/api/v1/runs', '/api/v1/ingest/transactions', '/api/v1/ingest/files', '/api/v1/customers/{id}/export', '/api/v1/auth/login', '/api/v1/auth/refresh']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const docs = await fetch(`${base}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
  });
});

describe('ingest over HTTP', () => {
  const rows = [
    { invoice_no: '990001', stock_code: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 10, invoice_date: '2011-12-09 15:00:00', unit_price: 2.55, customer_id: 17850, country: 'United Kingdom' },
    { invoice_no: '990001', stock_code: '22423', description: 'REGENCY CAKESTAND 3 TIER', quantity: 2, invoice_date: '2011-12-09 15:00:00', unit_price: 12.75, customer_id: 17850, country: 'United Kingdom' },
    { invoice_no: '990002', stock_code: '22423', description: 'REGENCY CAKESTAND 3 TIER', quantity: -1, invoice_date: '2011-12-09 15:30:00', unit_price: 12.75, customer_id: null, country: 'France' },
  ];
  const post = (body: string, key: string, type = 'application/json') =>
    fetch(`${base}/api/v1/ingest/transactions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type, 'idempotency-key': key }, body });

  it('loads rows through bronze, quality, silver and gold once per Idempotency-Key, and no cached figure goes stale', async () => {
    const before = (await (await get('/api/v1/kpis?from=2011-12-09&to=2011-12-09')).json()) as { kpis: { revenue_gbp: { value: number }; orders: { value: number } } };
    const cachedEtag = (await get('/api/v1/kpis?from=2011-12-09&to=2011-12-09')).headers.get('etag')!;
    const [{ n: linesBefore } = { n: 0 }] = await h.sql<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM gold.fact_sales');

    const response = await post(JSON.stringify(rows), 'ingest-test-0001');
    const body = (await response.json()) as { status: string; rows_received: number; batches: { rows_in: number; rows_to_silver: number; rows_quarantined: number; duplicates_removed: number }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.status).toBe('succeeded');
    expect(body.rows_received).toBe(3);
    const batch = body.batches[0]!;
    expect(batch.rows_in).toBe(batch.rows_to_silver + batch.rows_quarantined + batch.duplicates_removed);

    const [{ n: linesAfter } = { n: 0 }] = await h.sql<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM gold.fact_sales');
    expect(linesAfter - linesBefore).toBe(batch.rows_to_silver);

    const after = await get('/api/v1/kpis?from=2011-12-09&to=2011-12-09', { 'if-none-match': cachedEtag });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-cache')).toBe('MISS');
    const figures = (await after.json()) as typeof before;
    expect(figures.kpis.revenue_gbp.value).toBeCloseTo(before.kpis.revenue_gbp.value + 10 * 2.55 + 2 * 12.75 - 12.75, 2);
    expect(figures.kpis.orders.value).toBe(before.kpis.orders.value + 1);

    const replay = await post(JSON.stringify(rows), 'ingest-test-0001');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    const [{ n: linesReplay } = { n: 0 }] = await h.sql<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM gold.fact_sales');
    expect(linesReplay).toBe(linesAfter);

    const conflict = await post(JSON.stringify(rows.slice(0, 1)), 'ingest-test-0001');
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe('STRATA_ERR_IDEMPOTENCY_CONFLICT');
  });

  it('takes NDJSON too; the same content under a new key is recognised as already loaded', async () => {
    const response = await post(rows.map((r) => JSON.stringify(r)).join('\n'), 'ingest-test-0002', 'application/x-ndjson');
    const body = (await response.json()) as { files: { status: string }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.files[0]!.status).toBe('skipped');
  });

  it('needs an Idempotency-Key and valid rows', async () => {
    const noKey = await fetch(`${base}/api/v1/ingest/transactions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(rows) });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { error: { parameter: string } }).error.parameter).toBe('idempotency-key');
    const badRow = await post(JSON.stringify([{ ...rows[0], quantity: { $gt: 1 } }]), 'ingest-test-0003');
    expect(badRow.status).toBe(400);
  });
});

describe('privacy', () => {
  it('exports everything about a customer, erases them from every layer, recomputes gold and audits both', async () => {
    const exported = (await (await get('/api/v1/customers/12347/export')).json()) as { counts: { bronze_rows: number; silver_rows: number; gold_lines: number } };
    expect(exported.counts.silver_rows).toBeGreaterThan(0);
    expect(exported.counts.gold_lines).toBe(exported.counts.silver_rows);
    const customersBefore = ((await (await get('/api/v1/kpis')).json()) as { kpis: { customers: { value: number } } }).kpis.customers.value;

    const erased = await fetch(`${base}/api/v1/customers/12347`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    const result = (await erased.json()) as { silver_rows: number; bronze_rows: number; gold_run_status: string };
    expect(erased.status, JSON.stringify(result)).toBe(200);
    expect(result).toMatchObject({ silver_rows: exported.counts.silver_rows, bronze_rows: exported.counts.bronze_rows, gold_run_status: 'succeeded' });

    const left = await h.sql<{ n: number }>(
      `SELECT ((SELECT count(*) FROM silver.transactions WHERE customer_id = 12347) + (SELECT count(*) FROM gold.fact_sales WHERE customer_key = 12347)
              + (SELECT count(*) FROM gold.dim_customer WHERE customer_key = 12347) + (SELECT count(*) FROM gold.mart_customer_rfm WHERE customer_id = 12347)
              + (SELECT count(*) FROM bronze.transactions_raw WHERE TRY_CAST(trim(customer_id) AS DOUBLE) = 12347))::DOUBLE AS n`,
    );
    expect(left[0]!.n).toBe(0);
    const customersAfter = ((await (await get('/api/v1/kpis')).json()) as { kpis: { customers: { value: number } } }).kpis.customers.value;
    expect(customersAfter).toBe(customersBefore - 1);
    expect((await get('/api/v1/customers/12347')).status).toBe(404);
    const audit = await h.sql<{ action: string }>(`SELECT action FROM api.audit_log WHERE subject = '12347' ORDER BY occurred_at`);
    expect(audit.map((a) => a.action)).toEqual(['customer.export', 'customer.erase']);
  });
});

describe('metrics', () => {
  it('expose request counts and latency by route, cache hits and pipeline runs in Prometheus format', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/strata_http_requests_total\{method="GET",route="\/api\/v1\/kpis",status="200"\} \d+/);
    expect(text).toMatch(/strata_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/kpis"\}/);
    expect(text).toMatch(/strata_cache_requests_total\{route="\/api\/v1\/kpis",result="hit"\} \d+/);
    expect(text).toMatch(/strata_pipeline_runs_total\{status="succeeded"\} \d+/);
    expect(text).toMatch(/strata_data_rows\{layer="silver"\} \d+/);
  });
});
