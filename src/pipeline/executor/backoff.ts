/** Delay before retry number `attempt` (1 = the first retry): exponential, capped, with equal jitter. */
import type { RetryPolicy } from '../assets/index.js';

/**
 * Half the capped exponential delay is fixed and half is random, so retries from many runs spread
 * out (no thundering herd) while each one still waits at least half the nominal delay.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
