/**
 * Rate-limit counters in Redis (INCR, and PEXPIRE when a window opens, in one script), so hits on
 * any replica count against one budget. While Redis is unusable, hits go to the in-process
 * fallback: limits stay enforced per replica instead of being switched off.
 */
import type { Result } from 'ioredis';
import type { RedisLink } from './redis-link.js';
import type { RateLimitStore } from './rate-limit-store.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    strataRateHit(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

// A key left without an expiry (PTTL -1, e.g. after a failed PEXPIRE) is given one, so it cannot block forever.
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export function createRedisRateLimit(link: RedisLink, fallback: RateLimitStore): RateLimitStore {
  const { client } = link;
  client.defineCommand('strataRateHit', { numberOfKeys: 1, lua: HIT });
  return {
    kind: 'redis',
    async hit(key, windowMs) {
      if (link.usable) {
        try {
          const [count, ttl] = await client.strataRateHit(link.key(`rate:${key}`), windowMs);
          return { count, resetMs: Math.max(1, ttl) };
        } catch (error) {
          link.failed(error as Error);
        }
      }
      link.fellBack('rate_limit');
      return fallback.hit(key, windowMs);
    },
  };
}
