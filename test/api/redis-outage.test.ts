/**
 * The API on Redis (a `redis-server` child of the test) while Redis hangs and dies mid-flight:
 * answers stay correct (served uncached, never an entry from before a run), rate limits stay
 * enforced in-process, nothing answers 500, and the shared cache resumes when Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/api-harness.js';
import { dropPrefix, requireRedisServerBinary, startOwnedRedis, uniquePrefix, waitFor, type OwnedRedis } from './backends/redis-harness.js';

const binary = requireRedisServerBinary();
const DAY = '/api/v1/kpis?from=2011-12-09&to=2011-12-09';

describe.runIf(binary)('the API when Redis goes away', () => {
  let redis: OwnedRedis;
  let h: Harness;
  const prefix = uniquePrefix('api-outage');
  beforeAll(async () => {
    redis = await startOwnedRedis();
    h = await startHarness({ rateLimitMax: 40, rateLimitIpMax: 100_000 }, { redisUrl: redis.url, redisKeyPrefix: prefix, redisCommandTimeoutMs: 200 });
    await waitFor(redisUsable, 10_000, 'the shared cache');
  }, 300_000);
  afterAll(async () => {
    await h?.close();
    await dropPrefix(redis.url, prefix).catch(() => undefined);
    await redis?.kill();
  });

  // /metrics has no rate limit, so probing it costs no principal's budget.
  const redisUsable = async (): Promise<boolean> => /^strata_redis_up 1$/m.test((await h.inject({ method: 'GET', url: '/metrics' })).body);
  const revenue = (body: string): number => JSON.parse(body).kpis.revenue_gbp.value;

  it('serves correct uncached answers while Redis hangs, and nothing cached before a run once it is back', async () => {
    const warm = await h.get(DAY, 'viewer');
    const cached = await h.get(DAY, 'viewer');
    expect(cached.headers['x-cache']).toBe('HIT');
    expect(cached.body).toBe(warm.body);

    redis.pause();
    try {
      const during = await h.get(DAY, 'viewer');
      expect(during.statusCode).toBe(200);
      expect(during.headers['x-cache']).toBe('BYPASS');
      expect(during.headers['etag']).toBeUndefined();
      expect(during.body).toBe(warm.body);

      // A run completes while Redis cannot be told.
      const rows = [{ invoice_no: '990101', stock_code: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 4, invoice_date: '2011-12-09 16:00:00', unit_price: 2.5, customer_id: 17850, country: 'United Kingdom' }];
      const ingest = await h.inject({ method: 'POST', url: '/api/v1/ingest/transactions', headers: { authorization: `Bearer ${h.tokens.engineer}`, 'idempotency-key': `outage-${prefix}` }, payload: rows });
      expect(ingest.statusCode, ingest.body).toBe(200);
      expect(ingest.json().status).toBe('succeeded');

      const afterRun = await h.get(DAY, 'viewer');
      expect(afterRun.headers['x-cache']).toBe('BYPASS');
      expect(revenue(afterRun.body)).toBeCloseTo(revenue(warm.body) + 10, 2);
      const metrics = await h.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/^strata_redis_up 0$/m);
      expect(metrics.body).toMatch(/^strata_redis_outages_total 1$/m);
    } finally {
      redis.resume();
    }

    // Redis kept the entry from before the run; it must not come back.
    await waitFor(redisUsable, 10_000, 'Redis to be usable again');
    const resumed = await h.get(DAY, 'viewer');
    expect(resumed.headers['x-cache']).toBe('MISS');
    expect(revenue(resumed.body)).toBeCloseTo(revenue(warm.body) + 10, 2);
    expect((await h.get(DAY, 'viewer')).headers['x-cache']).toBe('HIT');
  });

  it('keeps answering (never 500) and keeps limiting per principal when Redis dies mid-flight, then resumes', async () => {
    // Each role is its own principal with its own budget of 40 (the engineer's requests are in flight).
    const call = (role: 'viewer' | 'analyst' | 'engineer', url = DAY) => h.get(url, role);
    const inFlight = Array.from({ length: 30 }, (_, i) => call('engineer', `/api/v1/sales/timeseries?grain=month&from=2011-0${(i % 9) + 1}-01&to=2011-12-09`));
    await redis.kill();
    const statuses = (await Promise.all(inFlight)).map((r) => r.statusCode);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // The analyst has made no request yet: its budget of 40 now lives in this process.
    const codes: number[] = [];
    for (let i = 0; i < 41; i++) codes.push((await call('analyst')).statusCode);
    expect(codes.slice(0, 40).every((c) => c === 200)).toBe(true);
    const limited = await call('analyst');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(codes[40]).toBe(429);

    await redis.start();
    await waitFor(redisUsable, 10_000, 'Redis to be usable again');
    expect((await call('viewer')).headers['x-cache']).toBe('MISS');
    expect((await call('viewer')).headers['x-cache']).toBe('HIT');
  });
});
