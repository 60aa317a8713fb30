/** Queue names, the Redis connection and the key prefix BullMQ uses for them. */
import { Redis, type RedisOptions } from 'ioredis';
import type { StrataConfig } from '../../config/index.js';
import { StrataError } from '../../shared/index.js';
import type { AssetKind } from '../assets/index.js';

/** One queue per kind of work, so each can have its own concurrency across all workers. */
export const QUEUES = ['pull', 'ingest', 'silver', 'gold'] as const;
export type QueueName = (typeof QUEUES)[number];

export function queueOf(kind: AssetKind): QueueName {
  switch (kind) {
    case 'ingest':
      return 'ingest';
    case 'quality_silver':
      return 'silver';
    case 'gold_model':
      return 'gold';
    case 'http_source':
      return 'pull';
  }
}

/** BullMQ's own names: `strata-<queue>`, keys under `<STRATA_REDIS_KEY_PREFIX>bull`. */
export const bullQueueName = (queue: QueueName): string => `strata-${queue}`;
export const bullPrefix = (config: StrataConfig): string => `${config.redisKeyPrefix}bull`;

export function requireRedisUrl(config: StrataConfig): string {
  if (!config.redisUrl) throw new StrataError('STRATA_ERR_CONFIG', 'invalid setting STRATA_REDIS_URL: queue execution and `strata worker` need Redis (the BullMQ queues live there)');
  return config.redisUrl;
}

/**
 * A connection for BullMQ. `maxRetriesPerRequest: null` as BullMQ requires for workers: a worker
 * waits out a Redis restart instead of failing the job it is running.
 */
export function queueConnection(config: StrataConfig, name: string): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, connectionName: name, retryStrategy: (times) => Math.min(times * 200, 2000) };
  return new Redis(requireRedisUrl(config), options);
}
