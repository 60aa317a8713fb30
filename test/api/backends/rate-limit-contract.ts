/** The one contract every rate-limit store meets (in-process and Redis run the same cases). */
import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../../../src/api/backends/index.js';

export interface RateLimitSubject {
  readonly store: RateLimitStore;
  close(): Promise<void>;
}

export function rateLimitContract(name: string, make: () => Promise<RateLimitSubject>): void {
  describe(`${name} rate-limit store (contract)`, () => {
    const withStore = (work: (store: RateLimitStore) => Promise<void>) => async () => {
      const subject = await make();
      try {
        await work(subject.store);
      } finally {
        await subject.close();
      }
    };

    it(
      'counts hits on a key from one, with the time left in the window',
      withStore(async (store) => {
        for (let i = 1; i <= 3; i++) {
          const hit = await store.hit('all|ip:10.0.0.1', 60_000);
          expect(hit.count).toBe(i);
          expect(hit.resetMs).toBeGreaterThan(59_000);
          expect(hit.resetMs).toBeLessThanOrEqual(60_000);
        }
      }),
    );

    it(
      'keeps keys apart',
      withStore(async (store) => {
        await store.hit('all|principal:user:ada', 60_000);
        await store.hit('all|principal:user:ada', 60_000);
        expect((await store.hit('all|principal:user:vera', 60_000)).count).toBe(1);
        expect((await store.hit('all|principal:user:ada', 60_000)).count).toBe(3);
      }),
    );

    it(
      'opens a new window when the old one has closed',
      withStore(async (store) => {
        expect((await store.hit('w', 150)).count).toBe(1);
        expect((await store.hit('w', 150)).count).toBe(2);
        await new Promise((r) => setTimeout(r, 220));
        const hit = await store.hit('w', 150);
        expect(hit.count).toBe(1);
        expect(hit.resetMs).toBeLessThanOrEqual(150);
      }),
    );

    it(
      'counts concurrent hits exactly once each',
      withStore(async (store) => {
        const hits = await Promise.all(Array.from({ length: 40 }, () => store.hit('burst', 60_000)));
        expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      }),
    );
  });
}
