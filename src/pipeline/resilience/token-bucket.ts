/**
 * A rate budget: a token bucket refilled at `ratePerSecond` up to `burst` tokens. Every caller in
 * the process that uses the same external resource takes from the same bucket, so two steps (or
 * two sources) on one API share its limit instead of each spending it in full. A 429's
 * Retry-After pauses the whole bucket, since the server's limit is shared as well.
 */
import type { Clock } from '../executor/index.js';

export interface RateBudgetSettings {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export interface RateBudget {
  /** Waits until a token is free and takes it; rejects with STRATA_ERR_CANCELLED when `signal` aborts. */
  take(signal?: AbortSignal): Promise<void>;
  /** No token is handed out for `ms` from now (a server said Retry-After). */
  pause(ms: number): void;
  readonly taken: number;
}

export function createRateBudget(settings: RateBudgetSettings, clock: Clock): RateBudget {
  const interval = 1000 / settings.ratePerSecond;
  let tokens = settings.burst;
  let refilledAt = clock.now();
  let pausedUntil = 0;
  let taken = 0;
  // Waiters are served in arrival order: a chain of promises, one take at a time.
  let queue: Promise<void> = Promise.resolve();

  const refill = (): void => {
    const now = clock.now();
    const earned = (now - refilledAt) / interval;
    if (earned > 0) {
      tokens = Math.min(settings.burst, tokens + earned);
      refilledAt = now;
    }
  };

  const takeNow = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      const now = clock.now();
      if (pausedUntil > now) {
        await clock.sleep(pausedUntil - now, signal);
        continue;
      }
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        taken++;
        return;
      }
      await clock.sleep(Math.ceil((1 - tokens) * interval), signal);
    }
  };

  return {
    take(signal) {
      const mine = queue.then(() => takeNow(signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
    get taken() {
      return taken;
    },
  };
}
