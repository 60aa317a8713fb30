/**
 * What only the Redis backends do: replicas share counters and generations, and losing Redis
 * mid-flight degrades (uncached answers, in-process limits, logged once, counted) instead of
 * failing, and recovers when Redis is back. Uses a `redis-server` child the test kills.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimit, createRedisCache, createRedisRateLimit } from '../../../src/api/backends/index.js';
import { REDIS_URL, dropPrefix, requireRedis, requireRedisServerBinary, startOwnedRedis, testLink, uniquePrefix, waitFor, type OwnedRedis } from './redis-harness.js';

const sharedUp = await requireRedis();
const binary = requireRedisServerBinary();

describe.runIf(sharedUp)('Redis backends shared by two replicas', () => {
  const prefix = uniquePrefix('replicas');
  const a = testLink(REDIS_URL, prefix);
  const b = testLink(REDIS_URL, prefix);
  beforeAll(() => waitFor(() => a.link.usable && b.link.usable, 5_000, 'both links'));
  afterAll(async () => {
    await a.link.close();
    await b.link.close();
    await dropPrefix(REDIS_URL, prefix);
  });

  it('count hits on either replica against one budget, stored under the prefix', async () => {
    const onA = createRedisRateLimit(a.link, createMemoryRateLimit());
    const onB = createRedisRateLimit(b.link, createMemoryRateLimit());
    const counts = [];
    for (let i = 0; i < 6; i++) counts.push((await (i % 2 ? onB : onA).hit('all|principal:user:ada', 60_000)).count);
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    const raw = new Redis(REDIS_URL);
    try {
      expect(await raw.get(`${prefix}rate:all|principal:user:ada`)).toBe('6');
    } finally {
      raw.disconnect();
    }
  });

  it('see an invalidation by one replica on the other replica’s very next lookup', async () => {
    const cacheA = createRedisCache(a.link, { ttlSeconds: 60, scope: 'shared' });
    const cacheB = createRedisCache(b.link, { ttlSeconds: 60, scope: 'shared' });
    const first = await cacheB.lookup('c|/api/v1/kpis');
    if (first.status !== 'miss') throw new Error(first.status);
    await cacheB.store('c|/api/v1/kpis', 'before the run', first.generation);
    expect(await cacheA.lookup('c|/api/v1/kpis')).toMatchObject({ status: 'hit', entry: { body: 'before the run' } });
    await cacheA.invalidate();
    const after = await cacheB.lookup('c|/api/v1/kpis');
    expect(after).toMatchObject({ status: 'miss' });
    expect(cacheB.generation).toBe(cacheA.generation);
  });

  it('keep the entries of replicas with a warehouse each apart, and still share the generation', async () => {
    const own = createRedisCache(a.link, { ttlSeconds: 60, scope: 'replica-a' });
    const other = createRedisCache(b.link, { ttlSeconds: 60, scope: 'replica-b' });
    const miss = await own.lookup('c|/api/v1/countries');
    if (miss.status !== 'miss') throw new Error(miss.status);
    await own.store('c|/api/v1/countries', 'replica a figures', miss.generation);
    expect(await other.lookup('c|/api/v1/countries')).toEqual({ status: 'miss', generation: miss.generation });
    await other.invalidate();
    expect((await own.lookup('c|/api/v1/countries')).status).toBe('miss');
    expect(own.generation).toBe(other.generation);
  });
});

describe.runIf(binary)('Redis going away mid-flight', () => {
  let redis: OwnedRedis;
  beforeAll(async () => {
    redis = await startOwnedRedis();
  });
  afterAll(async () => redis?.kill());

  it('degrades to uncached lookups and in-process limits, logs once, counts it, and recovers with a new generation', async () => {
    const { link, logged, registry } = testLink(redis.url, uniquePrefix('outage'), 200);
    try {
      await waitFor(() => link.usable, 5_000, 'the link');
      const cache = createRedisCache(link, { ttlSeconds: 60, scope: 'shared' });
      const limits = createRedisRateLimit(link, createMemoryRateLimit());
      const miss = await cache.lookup('k');
      if (miss.status !== 'miss') throw new Error(miss.status);
      await cache.store('k', 'cached body', miss.generation);
      expect((await cache.lookup('k')).status).toBe('hit');
      for (let i = 1; i <= 3; i++) expect((await limits.hit('ip', 60_000)).count).toBe(i);

      // Requests in flight while the server dies: none throws.
      const inFlight = Array.from({ length: 50 }, (_, i) => (i % 2 ? cache.lookup('k') : limits.hit('ip', 60_000)));
      await redis.kill();
      const settled = await Promise.allSettled(inFlight);
      expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);

      await waitFor(() => !link.usable, 5_000, 'the link to notice');
      const started = Date.now();
      for (let i = 0; i < 20; i++) expect(await cache.lookup('k')).toEqual({ status: 'unavailable' });
      const fallbackCounts = [];
      for (let i = 0; i < 3; i++) fallbackCounts.push((await limits.hit('another ip', 60_000)).count);
      expect(fallbackCounts).toEqual([1, 2, 3]); // limits still count, in the in-process store
      expect(Date.now() - started).toBeLessThan(500); // failing fast, not waiting for timeouts
      const invalidated = cache.invalidate(); // a run finishing during the outage
      await expect(invalidated).resolves.toBeUndefined();

      expect(logged.warnings).toHaveLength(1);
      expect(logged.warnings[0]).toMatch(/127\.0\.0\.1:\d+ is unreachable/);
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/^strata_redis_up 0$/m);
      expect(metrics).toMatch(/^strata_redis_outages_total 1$/m);
      expect(Number(/^strata_redis_fallbacks_total\{use="cache"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(20);

      const generationBefore = cache.generation;
      await redis.start();
      await waitFor(() => link.usable, 10_000, 'the link to come back');
      expect(logged.infos.some((m) => /is back/.test(m))).toBe(true);
      expect(logged.warnings).toHaveLength(1);
      expect(cache.generation).not.toBe(generationBefore);
      expect((await cache.lookup('k')).status).toBe('miss');
      expect((await limits.hit('ip', 60_000)).count).toBe(1); // Redis counts again (it restarted empty)
      expect(await registry.metrics()).toMatch(/^strata_redis_up 1$/m);
    } finally {
      await link.close();
    }
  });

  it('never serves an entry from before an outage, even when Redis kept its data (a hung server)', async () => {
    const prefix = uniquePrefix('hung');
    const a = testLink(redis.url, prefix, 150);
    const b = testLink(redis.url, prefix, 150);
    try {
      await waitFor(() => a.link.usable && b.link.usable, 10_000, 'both links');
      const cacheA = createRedisCache(a.link, { ttlSeconds: 60, scope: 'shared' });
      const cacheB = createRedisCache(b.link, { ttlSeconds: 60, scope: 'shared' });
      const miss = await cacheB.lookup('k');
      if (miss.status !== 'miss') throw new Error(miss.status);
      await cacheB.store('k', 'before the run', miss.generation);

      redis.pause();
      try {
        // Replica A notices first (its lookup times out), so its run's invalidation cannot even be sent.
        expect(await cacheA.lookup('k')).toEqual({ status: 'unavailable' });
        expect(a.link.usable).toBe(false);
        await cacheA.invalidate();
        expect(await cacheB.lookup('k')).toEqual({ status: 'unavailable' }); // times out, then fails fast
        expect(await cacheB.lookup('k')).toEqual({ status: 'unavailable' });
      } finally {
        redis.resume();
      }
      await waitFor(() => a.link.usable && b.link.usable, 10_000, 'both links back');
      expect((await cacheB.lookup('k')).status).toBe('miss');
    } finally {
      await a.link.close();
      await b.link.close();
    }
  });
});
