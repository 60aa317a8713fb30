/**
 * Two real `strata serve` processes (the built CLI) on ephemeral ports, one Redis, one key prefix:
 * requests split across both count against one rate limit, and a pipeline run in one invalidates
 * the other's cache. A DuckDB file has one writer, so each replica serves its own copy of the same
 * built warehouse (a second `serve` on the same file is refused, as checked here too).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess } from '../helpers/cli.js';
import { REDIS_URL, dropPrefix, requireRedis, uniquePrefix, waitFor } from './backends/redis-harness.js';
import { demoWarehouseCopy } from './helpers/demo-warehouse.js';

const redisUp = await requireRedis();
const MAX = 16;
const prefix = uniquePrefix('replicas');
const env = {
  STRATA_JWT_SECRET: 'replica-test-secret-0123456789-abcdefghijklmnop',
  STRATA_ADMIN_PASSWORD: 'replica-admin-password-1',
  STRATA_REDIS_URL: REDIS_URL,
  STRATA_REDIS_KEY_PREFIX: prefix,
  STRATA_API_RATE_LIMIT_MAX: String(MAX),
  STRATA_API_RATE_LIMIT_IP_MAX: '100000',
  STRATA_API_LOGIN_RATE_LIMIT_MAX: '1000',
  STRATA_LOG_LEVEL: 'warn',
};

interface Replica {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

function serve(dataDir: string): Replica {
  return startServeProcess(dataDir, env);
}

async function stop(replica: Replica | undefined): Promise<void> {
  if (!replica || replica.child.exitCode !== null) return;
  replica.child.kill('SIGTERM');
  await replica.exited;
}

describe.runIf(redisUp)('two API replicas on one Redis', () => {
  const copies: { dataDir: string; cleanup: () => void }[] = [];
  let a: Replica;
  let b: Replica;
  let urlA: string;
  let urlB: string;
  let token: string;

  beforeAll(async () => {
    copies.push(await demoWarehouseCopy(), await demoWarehouseCopy());
    a = serve(copies[0]!.dataDir);
    b = serve(copies[1]!.dataDir);
    [urlA, urlB] = await Promise.all([a.url, b.url]);
    for (const url of [urlA, urlB]) await waitFor(async () => (await fetch(`${url}/ready`)).status === 200, 60_000, `${url}/ready`);
    const login = await fetch(`${urlA}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.STRATA_ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { access_token: string }).access_token;
  }, 300_000);

  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    for (const copy of copies) copy.cleanup();
    await dropPrefix(REDIS_URL, prefix);
  });

  let counted = 0; // requests that count against the admin's budget
  const call = async (url: string, route: string, init: RequestInit = {}) => {
    counted++;
    return fetch(`${url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
  };

  it('refuses a second serve on a warehouse file another process owns', async () => {
    const third = serve(copies[0]!.dataDir);
    await expect(third.url).rejects.toThrow(/STRATA_ERR_WAREHOUSE_LOCKED|locked/i);
    expect((await third.exited).code).not.toBe(0);
  }, 60_000);

  it('invalidate every replica’s cache when a run completes in one of them', async () => {
    const KPIS = '/api/v1/kpis?from=2011-12-09&to=2011-12-09';
    const firstB = await call(urlB, KPIS);
    expect(firstB.headers.get('x-cache')).toBe('MISS');
    const etagB = firstB.headers.get('etag')!;
    const before = (await firstB.json()) as { kpis: { revenue_gbp: { value: number } } };
    expect((await call(urlB, KPIS)).headers.get('x-cache')).toBe('HIT');
    expect((await call(urlA, KPIS)).headers.get('x-cache')).toBe('MISS'); // its own warehouse, its own entries
    expect((await call(urlA, KPIS)).headers.get('x-cache')).toBe('HIT');

    const rows = [{ invoice_no: '990201', stock_code: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 8, invoice_date: '2011-12-09 17:00:00', unit_price: 2.5, customer_id: 17850, country: 'United Kingdom' }];
    const ingest = await call(urlA, '/api/v1/ingest/transactions', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `replicas-${Date.now()}` }, body: JSON.stringify(rows) });
    expect(ingest.status, await ingest.clone().text()).toBe(200);
    expect(((await ingest.json()) as { status: string }).status).toBe('succeeded');

    // The run's response came back: B's next request already sees the new generation.
    const afterB = await call(urlB, KPIS, { headers: { 'if-none-match': etagB } });
    expect(afterB.status).toBe(200);
    expect(afterB.headers.get('x-cache')).toBe('MISS');
    expect(afterB.headers.get('etag')).not.toBe(etagB);
    // B's own copy did not take A's rows; A's answer has them.
    expect(((await afterB.json()) as typeof before).kpis.revenue_gbp.value).toBeCloseTo(before.kpis.revenue_gbp.value, 2);
    const afterA = await call(urlA, KPIS);
    expect(afterA.headers.get('x-cache')).toBe('MISS');
    expect(((await afterA.json()) as typeof before).kpis.revenue_gbp.value).toBeCloseTo(before.kpis.revenue_gbp.value + 20, 2);

    const [readyA, readyB] = await Promise.all([urlA, urlB].map(async (url) => (await (await fetch(`${url}/ready`)).json()) as { cache: string; cache_generation: string }));
    expect(readyA!.cache).toBe('redis');
    expect(readyA!.cache_generation).toBe(readyB!.cache_generation);
  }, 120_000);

  it('count requests split across both replicas against one rate limit', async () => {
    const statuses: number[] = [];
    let turn = 0;
    let retryAfter: string | null = null;
    while (counted < MAX + 4) {
      const response = await call(turn++ % 2 ? urlB : urlA, '/api/v1/countries');
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    // Every request so far counted once, whichever replica took it: exactly MAX were let through.
    const admitted = counted - statuses.filter((s) => s === 429).length;
    expect(admitted).toBe(MAX);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]); // two on each replica
    expect(Number(retryAfter)).toBeGreaterThan(0);
  }, 60_000);
});
