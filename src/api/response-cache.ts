/**
 * In-process LRU of serialised responses with ETags. A completed pipeline run clears it (every
 * gold table may have changed), and the generation in each ETag makes stale validators miss.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export interface CachedResponse {
  readonly body: string;
  readonly etag: string;
}

export interface ResponseCache {
  get(key: string): CachedResponse | undefined;
  set(key: string, body: string): CachedResponse;
  /** Drops everything; returns the new generation. */
  invalidate(): number;
  readonly generation: number;
  readonly size: number;
}

export function createResponseCache(maxEntries: number): ResponseCache {
  const lru = maxEntries > 0 ? new LRUCache<string, CachedResponse>({ max: maxEntries }) : null;
  let generation = 1;
  return {
    get: (key) => lru?.get(`${generation}|${key}`),
    set(key, body) {
      const digest = createHash('sha1').update(body).digest('base64url').slice(0, 22);
      const entry = { body, etag: `"g${generation}-${digest}"` };
      lru?.set(`${generation}|${key}`, entry);
      return entry;
    },
    invalidate() {
      lru?.clear();
      return ++generation;
    },
    get generation() {
      return generation;
    },
    get size() {
      return lru?.size ?? 0;
    },
  };
}
