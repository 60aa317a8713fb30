/**
 * `strata serve` with STRATA_EXECUTION=queue, over real HTTP, beside one real `strata worker` on
 * the machine's Redis (a key prefix of its own) and a copy of the demo DuckDB warehouse: the runs
 * of POST /api/v1/ingest/transactions and POST /api/v1/runs have every step executed by the worker
 * (the server hands the file over for each run and takes it back), the cached KPIs are invalidated
 * by each run and then show its rows, reads made while a run is away still answer, and SIGTERM
 * stops the server cleanly.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess } from '../helpers/cli.js';
import { queryWarehouse } from '../helpers/warehouse.js';
import { startWorkerProcess, stopWorker, workersPrefix, type WorkerProcess } from '../pipeline/queue/worker-harness.js';
import { REDIS_URL, dropPrefix, requireRedis, waitFor } from './backends/redis-harness.js';
import { demoWarehouseCopy } from './helpers/demo-warehouse.js';

const redisUp = await requireRedis();
const prefix = workersPrefix('serve');
const env = {
  STRATA_JWT_SECRET: 'queue-serve-test-secret-0123456789-abcdefghijk',
  STRATA_ADMIN_PASSWORD: 'queue-admin-password-1',
  STRATA_REDIS_URL: REDIS_URL,
  STRATA_REDIS_KEY_PREFIX: prefix,
  STRATA_WORKER_LOCK_MS: '5000',
  STRATA_LOG_LEVEL: 'warn',
  STRATA_API_RATE_LIMIT_MAX: '100000',
  STRATA_API_RATE_LIMIT_IP_MAX: '100000',
  STRATA_ALERTS_INTERVAL_MS: '0',
};
const KPIS = '/api/v1/kpis?from=2011-12-09&to=2011-12-09';
const row = (invoice: string) => ({ invoice_no: invoice, stock_code: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 8, invoice_date: '2011-12-09 17:00:00', unit_price: 2.5, customer_id: 17850, country: 'United Kingdom' });

describe.runIf(redisUp)('strata serve with queue execution (DuckDB)', () => {
  let copy: { dataDir: string; cleanup: () => void };
  let worker: WorkerProcess;
  let server: ChildProcess;
  let exited: Promise<{ code: number | null; stderr: string }>;
  let url: string;
  let token: string;
  let workerId: string;

  beforeAll(async () => {
    copy = await demoWarehouseCopy();
    worker = startWorkerProcess(copy.dataDir, { ...env, STRATA_WORKER_CONCURRENCY: '1' });
    workerId = (await worker.waitFor((e) => e.kind === 'worker_ready')).worker!;
    const started = startServeProcess(copy.dataDir, { ...env, STRATA_EXECUTION: 'queue' });
    server = started.child;
    exited = started.exited;
    url = await started.url;
    await waitFor(async () => (await fetch(`${url}/ready`)).status === 200, 60_000, `${url}/ready`);
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.STRATA_ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (worker) await stopWorker(worker);
    await dropPrefix(REDIS_URL, prefix);
    copy?.cleanup();
  }, 60_000);

  const call = (route: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
  const revenue = async (response: Response): Promise<number> => ((await response.json()) as { kpis: { revenue_gbp: { value: number } } }).kpis.revenue_gbp.value;
  const stepsOnWorker = (runId: string): string[] => {
    const started = new Set(worker.events.filter((e) => e.kind === 'job_started' && (e as { runId?: string }).runId === runId).map((e) => e.jobId));
    return worker.events.filter((e) => e.kind === 'job_finished' && e.status === 'succeeded' && started.has(e.jobId)).map((e) => e.step!);
  };

  it('runs an ingest request on the worker, invalidates the cache, and serves reads during the run', async () => {
    const first = await call(KPIS);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const etag = first.headers.get('etag')!;
    const before = await revenue(first);
    expect((await call(KPIS)).headers.get('x-cache')).toBe('HIT');

    const ingest = call('/api/v1/ingest/transactions', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `queue-serve-${Date.now()}` }, body: JSON.stringify([row('990301')]) });
    // A read while the file is with the worker: it waits for the file and answers.
    await worker.waitFor((e) => e.kind === 'job_started', 60_000);
    const during = await call('/api/v1/countries');
    expect(during.status).toBe(200);
    const response = await ingest;
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as { status: string; run_id: string };
    expect(body.status).toBe('succeeded');
    const ran = stepsOnWorker(body.run_id);
    expect(ran).toContain('ingest');
    expect(ran).toContain('quality_silver');
    expect(ran).toContain('gold.fact_sales');

    // The run invalidated the cache, and the server reads the file the worker wrote.
    const after = await call(KPIS, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await revenue(after)).toBeCloseTo(before + 20, 2);
  }, 180_000);

  it('runs POST /api/v1/runs over the landing folder on the worker; its run history is served', async () => {
    const before = await revenue(await call(KPIS));
    const landing = path.join(copy.dataDir, 'landing');
    mkdirSync(landing, { recursive: true });
    writeFileSync(path.join(landing, 'queue-serve.csv'), 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n990302,85123A,WHITE HANGING HEART T-LIGHT HOLDER,8,2011-12-09 17:30:00,2.5,17850,United Kingdom\n');
    const started = await call('/api/v1/runs', { method: 'POST' });
    expect(started.status).toBe(202);
    let newest: { run_id: string; command: string; status: string } | undefined;
    await waitFor(
      async () => {
        const runs = (await (await call('/api/v1/runs?limit=1')).json()) as { busy: boolean; runs: { run_id: string; command: string; status: string }[] };
        newest = runs.runs[0];
        return !runs.busy && newest?.command === 'api' && newest.status !== 'running';
      },
      150_000,
      'the API run to finish',
    );
    expect(newest!.status).toBe('succeeded');
    expect(stepsOnWorker(newest!.run_id)).toContain('gold.fact_sales');
    const after = await call(KPIS);
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(await revenue(after)).toBeCloseTo(before + 20, 2);

    // SIGTERM: the server closes (dispatcher, file, semaphore) and exits 0.
    server.kill('SIGTERM');
    expect((await exited).code).toBe(0);
    await stopWorker(worker);
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    // The run history names the worker for every step of both runs.
    const history = await queryWarehouse<{ worker: string | null; n: number }>(
      path.join(copy.dataDir, 'strata.duckdb'),
      `SELECT e.detail->>'worker' AS worker, count(*)::INTEGER AS n FROM meta.events e JOIN meta.runs r USING (run_id) WHERE r.command IN ('api', 'api-ingest') AND e.kind = 'step_succeeded' GROUP BY 1`,
    );
    expect(history).toEqual([{ worker: workerId, n: expect.any(Number) }]);
  }, 240_000);
});
