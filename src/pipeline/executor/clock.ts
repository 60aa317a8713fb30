/** Time as the executor sees it: real timers in production, a hand-driven clock in tests. */
import { StrataError } from '../../shared/index.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with STRATA_ERR_CANCELLED as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const cancelled = (): StrataError => new StrataError('STRATA_ERR_CANCELLED', 'the run was cancelled');

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(cancelled());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that moves only when told to; `sleeps` shows what is waiting, for assertions. */
export interface FakeClock extends Clock {
  /** Moves time forward, waking sleepers in deadline order, letting promises settle between. */
  advance(ms: number): Promise<void>;
  readonly sleeps: readonly number[];
}

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  const sleepers: { at: number; ms: number; wake: () => void }[] = [];
  const requested: number[] = [];
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
    await new Promise<void>((r) => setImmediate(r));
  };
  return {
    now: () => now,
    get sleeps() {
      return requested;
    },
    sleep(ms, signal) {
      requested.push(ms);
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(cancelled());
        const entry = {
          at: now + ms,
          ms,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          sleepers.splice(sleepers.indexOf(entry), 1);
          reject(cancelled());
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(entry);
      });
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > target) break;
        sleepers.shift();
        now = next.at;
        next.wake();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}
