/**
 * A counting semaphore in Redis shared by every process: a resource (a DuckDB warehouse file, an
 * external host) admits at most `limit` holders across all workers. Each holder has a lease that
 * it renews while it works; a holder that dies (SIGKILL, lost machine) stops renewing and its
 * place frees itself when the lease runs out, so a crash never wedges a resource. Several
 * resources are taken all at once or not at all, so two holders can never deadlock.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StrataError } from '../../shared/index.js';

// Server time, so holders on machines with skewed clocks agree on when a lease ends.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do redis.call('ZREMRANGEBYSCORE', key, '-inf', now) end
for i, key in ipairs(KEYS) do
  if not redis.call('ZSCORE', key, ARGV[1]) and redis.call('ZCARD', key) >= tonumber(ARGV[2 + i]) then return 0 end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[1])
  redis.call('PEXPIRE', key, ttl * 2)
end
return 1`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local kept = 1
for i, key in ipairs(KEYS) do
  local score = redis.call('ZSCORE', key, ARGV[1])
  if not score or tonumber(score) < now then kept = 0 else
    redis.call('ZADD', key, now + tonumber(ARGV[2]), ARGV[1])
    redis.call('PEXPIRE', key, tonumber(ARGV[2]) * 2)
  end
end
return kept`;

const RELEASE = `for i, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end return 1`;

export interface ResourceClaim {
  readonly name: string;
  readonly limit: number;
}

export interface Permit {
  /** false once a renewal found the lease gone (it ran out): another holder may have the resource. */
  readonly held: () => boolean;
  release(): Promise<void>;
}

export interface RedisSemaphore {
  /** Waits until every claim has a free place, then holds them all until release. */
  acquire(claims: readonly ResourceClaim[], signal?: AbortSignal): Promise<Permit>;
  /** Holders of `name` right now (live leases only). */
  holders(name: string): Promise<number>;
}

export function createRedisSemaphore(redis: Redis, options: { readonly keyPrefix: string; readonly leaseMs: number }): RedisSemaphore {
  const keyOf = (name: string): string => `${options.keyPrefix}semaphore:${name}`;
  const leaseMs = options.leaseMs;
  return {
    async acquire(claims, signal) {
      const sorted = [...claims].sort((a, b) => a.name.localeCompare(b.name));
      const keys = sorted.map((c) => keyOf(c.name));
      const token = randomUUID();
      if (!sorted.length) return { held: () => true, release: async () => undefined };
      let wait = 25;
      for (;;) {
        if (signal?.aborted) throw new StrataError('STRATA_ERR_CANCELLED', 'stopped waiting for a resource: the job was cancelled');
        const got = (await redis.eval(ACQUIRE, keys.length, ...keys, token, leaseMs, ...sorted.map((c) => c.limit))) as number;
        if (got === 1) break;
        await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
        wait = Math.min(wait * 2, 500);
      }
      let held = true;
      const renewal = setInterval(() => {
        void (redis.eval(RENEW, keys.length, ...keys, token, leaseMs) as Promise<number>).then(
          (kept) => void (kept === 1 || (held = false)),
          () => undefined,
        );
      }, Math.max(100, Math.floor(leaseMs / 3)));
      renewal.unref();
      return {
        held: () => held,
        async release() {
          clearInterval(renewal);
          await redis.eval(RELEASE, keys.length, ...keys, token).catch(() => undefined);
        },
      };
    },
    async holders(name) {
      const now = Number((await redis.time())[0]) * 1000;
      return redis.zcount(keyOf(name), now, '+inf');
    },
  };
}
