/** In-process rate-limit counters, bounded by an LRU so a flood of distinct keys cannot grow memory. */
import { LRUCache } from 'lru-cache';
import type { RateLimitStore } from './rate-limit-store.js';

export function createMemoryRateLimit(maxKeys = 50_000): RateLimitStore {
  const windows = new LRUCache<string, { count: number; endsAt: number }>({ max: maxKeys });
  return {
    kind: 'memory',
    async hit(key, windowMs) {
      const now = Date.now();
      let window = windows.get(key);
      if (!window || window.endsAt <= now) {
        window = { count: 0, endsAt: now + windowMs };
        windows.set(key, window);
      }
      window.count++;
      return { count: window.count, resetMs: Math.max(1, window.endsAt - now) };
    },
  };
}
