/** Runs the cache and rate-limit contracts against the in-process backends and the Redis ones (real Redis, a key prefix per test). */
import { describe } from 'vitest';
import { createMemoryCache, createMemoryRateLimit, createRedisCache, createRedisRateLimit } from '../../../src/api/backends/index.js';
import { cacheContract } from './cache-contract.js';
import { rateLimitContract } from './rate-limit-contract.js';
import { REDIS_URL, dropPrefix, requireRedis, testLink, uniquePrefix, waitFor } from './redis-harness.js';

const redisUp = await requireRedis();

cacheContract('in-process', async () => ({ cache: createMemoryCache(100), close: async () => undefined }));
rateLimitContract('in-process', async () => ({ store: createMemoryRateLimit(), close: async () => undefined }));

async function redisSubject<T>(label: string, build: (link: ReturnType<typeof testLink>['link']) => T): Promise<T & { close(): Promise<void> }> {
  const prefix = uniquePrefix(label);
  const { link } = testLink(REDIS_URL, prefix);
  await waitFor(() => link.usable, 5_000, 'the Redis link');
  return Object.assign(build(link) as object, {
    async close() {
      await link.close();
      await dropPrefix(REDIS_URL, prefix);
    },
  }) as T & { close(): Promise<void> };
}

describe.runIf(redisUp)('Redis', () => {
  cacheContract('Redis', () => redisSubject('cache', (link) => ({ cache: createRedisCache(link, { ttlSeconds: 60, scope: 'shared' }) })));
  // The fallback never answers here: the link is up, and the contract asserts Redis' own counts.
  rateLimitContract('Redis', () => redisSubject('rate', (link) => ({ store: createRedisRateLimit(link, createMemoryRateLimit()) })));
});
