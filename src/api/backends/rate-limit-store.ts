/**
 * Where rate-limit counters live: in this process (`memory-rate-limit.ts`) or in Redis, shared by
 * every replica (`redis-rate-limit.ts`). Fixed windows: the first hit on a key opens a window of
 * `windowMs`, every hit in it counts. Both pass `test/api/backends/rate-limit-contract.ts`.
 */
export interface RateLimitHit {
  /** Hits on the key in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the window closes (at least 1). */
  readonly resetMs: number;
}

export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
}
