/** The in-process cache: an LRU of serialised responses under a generation counter. */
import { LRUCache } from 'lru-cache';
import { etagOf, type CacheBackend, type CachedResponse } from './cache-backend.js';

export function createMemoryCache(maxEntries: number): CacheBackend {
  const lru = maxEntries > 0 ? new LRUCache<string, CachedResponse>({ max: maxEntries }) : null;
  let generation = 1;
  return {
    kind: 'memory',
    async lookup(key) {
      const entry = lru?.get(`${generation}|${key}`);
      return entry ? { status: 'hit', entry } : { status: 'miss', generation: String(generation) };
    },
    async store(key, body, seen) {
      const entry = { body, etag: etagOf(seen, body) };
      if (seen === String(generation)) lru?.set(`${generation}|${key}`, entry);
      return entry;
    },
    async invalidate() {
      generation++;
      lru?.clear();
    },
    get generation() {
      return String(generation);
    },
    close: async () => lru?.clear(),
  };
}
