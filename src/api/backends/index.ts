/**
 * The API's cache and rate-limit backends: in-process by default, Redis (shared by every replica)
 * when `STRATA_REDIS_URL` is set, with the in-process path taking over while Redis is away.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { StrataConfig } from '../../config/index.js';
import type { CacheBackend } from './cache-backend.js';
import { createMemoryCache } from './memory-cache.js';
import { createMemoryRateLimit } from './memory-rate-limit.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { createRedisCache } from './redis-cache.js';
import { openRedisLink, redisAddress, type LinkLogger, type RedisLink } from './redis-link.js';
import { createRedisRateLimit } from './redis-rate-limit.js';

export type { CacheBackend, CacheLookup, CachedResponse } from './cache-backend.js';
export type { RateLimitHit, RateLimitStore } from './rate-limit-store.js';
export { etagOf } from './cache-backend.js';
export { createMemoryCache, createMemoryRateLimit, createRedisCache, createRedisRateLimit, openRedisLink, redisAddress, type LinkLogger, type RedisLink };

export interface ApiBackends {
  readonly cache: CacheBackend;
  readonly rateLimits: RateLimitStore;
  /** Where they live, for /ready and the logs (never the URL: it may hold a password). */
  readonly location: 'in-process' | `redis ${string}`;
  close(): Promise<void>;
}

export interface BackendOptions {
  readonly cacheEntries: number;
  readonly cacheTtlSeconds: number;
  readonly registry: Registry;
  readonly log: LinkLogger;
}

/**
 * The scope of this replica's cache entries. A DuckDB file has one owner, so every replica reads a
 * warehouse of its own and must not answer from another's entries (after a run in one replica the
 * others still hold the old data): each process gets a scope of its own, and shares only the
 * generation and the rate limits. A warehouse all replicas read (PostgreSQL) can share one scope.
 */
export const replicaScope = (): string => `replica-${randomUUID()}`;

export function createApiBackends(config: StrataConfig, options: BackendOptions): ApiBackends {
  if (!config.redisUrl) {
    return { cache: createMemoryCache(options.cacheEntries), rateLimits: createMemoryRateLimit(), location: 'in-process', close: async () => undefined };
  }
  const link = openRedisLink({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, commandTimeoutMs: config.redisCommandTimeoutMs, registry: options.registry, log: options.log });
  return {
    cache: createRedisCache(link, { ttlSeconds: options.cacheTtlSeconds, scope: replicaScope() }),
    rateLimits: createRedisRateLimit(link, createMemoryRateLimit()),
    location: `redis ${redisAddress(config.redisUrl)}`,
    close: () => link.close(),
  };
}
