/**
 * The shared cache: entries and the current generation in Redis, read together by one script per
 * lookup, so every replica sees a run's new generation on its very next request. A lookup that
 * cannot reach Redis is `unavailable` (answered uncached), never a guess from local memory.
 * Generations are random tokens, not counters: a Redis that restarts empty cannot bring an old
 * generation (and the entries stored under it) back.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Result } from 'ioredis';
import { etagOf, type CacheBackend, type CacheLookup } from './cache-backend.js';
import type { RedisLink } from './redis-link.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    strataCacheLookup(generationKey: string, entryKey: string, fresh: string): Result<[string, string], Context>;
    strataCacheStore(generationKey: string, entryKey: string, generation: string, value: string, ttlMs: number): Result<number, Context>;
  }
}

// Returns the current generation (creating one if the key is gone) and the entry only if it was
// stored under that generation ('' otherwise: a nil would cut the reply short).
const LOOKUP = `
local g = redis.call('GET', KEYS[1])
if not g then redis.call('SET', KEYS[1], ARGV[1]); g = ARGV[1] end
local e = redis.call('GET', KEYS[2])
if e and string.sub(e, 1, string.len(g) + 1) == g .. '\\n' then return {g, e} end
return {g, ''}`;

// Stores only while the generation the answer was computed under is still current.
const STORE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]); return 1 end
return 0`;

const freshGeneration = (): string => `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

export interface RedisCacheOptions {
  readonly ttlSeconds: number;
  /**
   * Whose answers the entries are: replicas that read the same warehouse share a scope (and so
   * each other's entries); replicas with a warehouse each use their own. The generation is shared
   * by every scope under the prefix either way.
   */
  readonly scope: string;
}

export function createRedisCache(link: RedisLink, options: RedisCacheOptions): CacheBackend {
  const { client } = link;
  client.defineCommand('strataCacheLookup', { numberOfKeys: 2, lua: LOOKUP });
  client.defineCommand('strataCacheStore', { numberOfKeys: 2, lua: STORE });
  const generationKey = link.key('cache:generation');
  const entryKey = (key: string): string => link.key(`cache:entry:${options.scope}:${createHash('sha256').update(key).digest('base64url')}`);
  let seen: string | null = null;

  const bump = async (): Promise<void> => {
    const next = freshGeneration();
    await client.set(generationKey, next);
    seen = next;
  };
  // Whatever ran while this process could not reach Redis (here or in another replica that could
  // not reach it either) must not leave old entries current: every (re)connect starts a generation.
  link.onRestored(bump);

  return {
    kind: 'redis',
    async lookup(key): Promise<CacheLookup> {
      if (!link.usable) {
        link.fellBack('cache');
        return { status: 'unavailable' };
      }
      try {
        const [generation, value] = await client.strataCacheLookup(generationKey, entryKey(key), freshGeneration());
        seen = generation;
        if (!value) return { status: 'miss', generation };
        const etagEnd = value.indexOf('\n', generation.length + 1);
        return { status: 'hit', entry: { etag: value.slice(generation.length + 1, etagEnd), body: value.slice(etagEnd + 1) } };
      } catch (error) {
        link.failed(error as Error);
        link.fellBack('cache');
        return { status: 'unavailable' };
      }
    },
    async store(key, body, generation) {
      const entry = { body, etag: etagOf(generation, body) };
      if (!link.usable) return entry;
      try {
        await client.strataCacheStore(generationKey, entryKey(key), generation, `${generation}\n${entry.etag}\n${body}`, options.ttlSeconds * 1000);
      } catch (error) {
        link.failed(error as Error);
      }
      return entry;
    },
    async invalidate() {
      try {
        if (!link.usable) throw new Error('Redis is unreachable');
        await bump();
      } catch (error) {
        // Until a new generation is set no replica may trust the old one: drop the connection, so
        // this process answers uncached and the reconnect (`onRestored`) sets the generation first.
        link.failed(error as Error, { reconnect: true });
      }
    },
    get generation() {
      return seen;
    },
    // The link belongs to whoever opened it (it also carries the rate limits).
    close: async () => undefined,
  };
}
