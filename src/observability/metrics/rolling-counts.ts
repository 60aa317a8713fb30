/**
 * Request outcomes over a sliding window (per-minute buckets), for the health score's API area:
 * counters since process start would let an old incident dominate forever.
 */
export interface RollingCounts {
  add(isError: boolean, nowMs?: number): void;
  /** Requests and errors in the last `windowMs`. */
  totals(nowMs?: number): { readonly requests: number; readonly errors: number; readonly windowSeconds: number };
}

export function createRollingCounts(windowMs = 15 * 60_000, bucketMs = 60_000): RollingCounts {
  const buckets = new Map<number, { requests: number; errors: number }>();
  const prune = (now: number): void => {
    for (const key of buckets.keys()) if (key <= Math.floor((now - windowMs) / bucketMs)) buckets.delete(key);
  };
  return {
    add(isError, nowMs = Date.now()) {
      const key = Math.floor(nowMs / bucketMs);
      const bucket = buckets.get(key) ?? { requests: 0, errors: 0 };
      bucket.requests++;
      if (isError) bucket.errors++;
      buckets.set(key, bucket);
      if (buckets.size > windowMs / bucketMs + 2) prune(nowMs);
    },
    totals(nowMs = Date.now()) {
      prune(nowMs);
      let requests = 0;
      let errors = 0;
      for (const b of buckets.values()) {
        requests += b.requests;
        errors += b.errors;
      }
      return { requests, errors, windowSeconds: windowMs / 1000 };
    },
  };
}
