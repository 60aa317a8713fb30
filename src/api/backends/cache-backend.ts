/**
 * Where cached responses live: in this process (`memory-cache.ts`) or in Redis, shared by every
 * replica (`redis-cache.ts`). Both keep entries under a generation that a completed pipeline run
 * replaces, and both pass `test/api/backends/cache-contract.ts`.
 */
import { createHash } from 'node:crypto';

export interface CachedResponse {
  readonly body: string;
  readonly etag: string;
}

export type CacheLookup =
  | { readonly status: 'hit'; readonly entry: CachedResponse }
  /** Not cached; store the answer under `generation`, the one current when the lookup ran. */
  | { readonly status: 'miss'; readonly generation: string }
  /** The backend cannot say what is current (Redis away): answer uncached and store nothing. */
  | { readonly status: 'unavailable' };

export interface CacheBackend {
  readonly kind: 'memory' | 'redis';
  lookup(key: string): Promise<CacheLookup>;
  /**
   * Stores `body` if `generation` is still current, so an answer computed before a run never lands
   * in the generation after it. Returns the entry either way (its ETag goes to the client).
   */
  store(key: string, body: string, generation: string): Promise<CachedResponse>;
  /** A new generation: nothing cached before is served again. Resolves once that is true everywhere this backend reaches. */
  invalidate(): Promise<void>;
  /** The generation this process last saw (for /ready), or null before the first lookup. */
  readonly generation: string | null;
  close(): Promise<void>;
}

/** ETags carry the generation, so a validator from before a run never matches after it. */
export function etagOf(generation: string, body: string): string {
  return `"g${generation}-${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}
