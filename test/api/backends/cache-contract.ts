/**
 * The one contract every response-cache backend meets (in-process and Redis run the same cases,
 * as Hono runs one suite over every router). `make` gives a fresh, empty cache.
 */
import { describe, expect, it } from 'vitest';
import type { CacheBackend } from '../../../src/api/backends/index.js';

export interface CacheSubject {
  readonly cache: CacheBackend;
  close(): Promise<void>;
}

async function missGeneration(cache: CacheBackend, key: string): Promise<string> {
  const found = await cache.lookup(key);
  if (found.status !== 'miss') throw new Error(`expected a miss for ${key}, got ${found.status}`);
  return found.generation;
}

export function cacheContract(name: string, make: () => Promise<CacheSubject>): void {
  describe(`${name} response cache (contract)`, () => {
    const withCache = (work: (cache: CacheBackend) => Promise<void>) => async () => {
      const subject = await make();
      try {
        await work(subject.cache);
      } finally {
        await subject.close();
      }
    };

    it(
      'misses first, naming the current generation, then serves what was stored under it with the same ETag',
      withCache(async (cache) => {
        const generation = await missGeneration(cache, 'c|/api/v1/kpis');
        expect(cache.generation).toBe(generation);
        const stored = await cache.store('c|/api/v1/kpis', '{"revenue":1}', generation);
        expect(stored.etag).toMatch(/^"g[^"]+-[A-Za-z0-9_-]{22}"$/);
        const found = await cache.lookup('c|/api/v1/kpis');
        expect(found).toEqual({ status: 'hit', entry: { body: '{"revenue":1}', etag: stored.etag } });
      }),
    );

    it(
      'keeps keys apart (an analyst key never answers an engineer key)',
      withCache(async (cache) => {
        const generation = await missGeneration(cache, 'p|/api/v1/sales');
        await cache.store('p|/api/v1/sales', '"pseudonymised"', generation);
        expect((await cache.lookup('c|/api/v1/sales')).status).toBe('miss');
        expect(await cache.lookup('p|/api/v1/sales')).toMatchObject({ status: 'hit', entry: { body: '"pseudonymised"' } });
      }),
    );

    it(
      'serves nothing stored before an invalidation, and gives the same body a new ETag after it',
      withCache(async (cache) => {
        const before = await missGeneration(cache, 'k');
        const old = await cache.store('k', 'same body', before);
        await cache.invalidate();
        const after = await missGeneration(cache, 'k');
        expect(after).not.toBe(before);
        const fresh = await cache.store('k', 'same body', after);
        expect(fresh.etag).not.toBe(old.etag);
        expect(await cache.lookup('k')).toEqual({ status: 'hit', entry: { body: 'same body', etag: fresh.etag } });
      }),
    );

    it(
      'drops an answer computed before a run that finishes storing after it',
      withCache(async (cache) => {
        const seen = await missGeneration(cache, 'slow');
        await cache.invalidate(); // the run completes while the request is still computing
        await cache.store('slow', 'computed from the old data', seen);
        expect((await cache.lookup('slow')).status).toBe('miss');
      }),
    );

    it(
      'returns bodies byte for byte: newlines, unicode, large pages',
      withCache(async (cache) => {
        const bodies = ['{"a":"line\\nbreak"}\n\n', '{"desc":"CAFÉ ☕ – ½ price, 日本"}', JSON.stringify({ rows: Array.from({ length: 5_000 }, (_, i) => ({ i, s: `row-${i}` })) })];
        for (const [i, body] of bodies.entries()) {
          const generation = await missGeneration(cache, `b${i}`);
          await cache.store(`b${i}`, body, generation);
        }
        for (const [i, body] of bodies.entries()) expect(await cache.lookup(`b${i}`)).toMatchObject({ status: 'hit', entry: { body } });
      }),
    );
  });
}
