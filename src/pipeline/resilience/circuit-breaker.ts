/**
 * A circuit breaker for one external resource. Closed: calls go through and consecutive failures
 * are counted. Open (after `failureThreshold` of them): calls fail at once, without touching the
 * resource, until `coolDownMs` has passed. Half-open: exactly one probe call goes through; its
 * success closes the circuit, its failure opens it again for another cool-down.
 */
import { StrataError } from '../../shared/index.js';
import type { Clock } from '../executor/index.js';

export type CircuitState =
  | { readonly status: 'closed'; readonly failures: number }
  | { readonly status: 'open'; readonly openedAt: number; readonly until: number; readonly lastError: string }
  | { readonly status: 'half-open'; readonly probing: boolean };

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long the circuit stays open before one probe is let through. */
  readonly coolDownMs: number;
}

export interface CircuitBreaker {
  readonly name: string;
  readonly state: CircuitState;
  /**
   * Runs `work` if the circuit lets it through, and records its outcome. `isFailure` decides
   * which errors count against the resource (a 404 is the caller's fault, not the server's).
   */
  call<T>(work: () => Promise<T>, isFailure?: (error: unknown) => boolean): Promise<T>;
  /** Every transition, oldest first (for logs and tests). */
  readonly transitions: readonly { readonly at: number; readonly from: CircuitState['status']; readonly to: CircuitState['status'] }[];
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createCircuitBreaker(name: string, settings: CircuitBreakerSettings, clock: Clock): CircuitBreaker {
  let state: CircuitState = { status: 'closed', failures: 0 };
  const transitions: { at: number; from: CircuitState['status']; to: CircuitState['status'] }[] = [];
  const move = (next: CircuitState): void => {
    if (next.status !== state.status) transitions.push({ at: clock.now(), from: state.status, to: next.status });
    state = next;
  };
  const open = (error: unknown): void => {
    const now = clock.now();
    move({ status: 'open', openedAt: now, until: now + settings.coolDownMs, lastError: message(error) });
  };
  const rejected = (retryAfterMs: number, lastError: string): StrataError =>
    new StrataError('STRATA_ERR_CIRCUIT_OPEN', `${name} is failing (${lastError}); not calling it for ${retryAfterMs} ms`, { details: { resource: name, retryAfterMs } });

  return {
    name,
    get state() {
      return state;
    },
    transitions,
    async call(work, isFailure = () => true) {
      if (state.status === 'open') {
        const wait = state.until - clock.now();
        if (wait > 0) throw rejected(wait, state.lastError);
        move({ status: 'half-open', probing: false });
      }
      if (state.status === 'half-open') {
        // One probe at a time; the others are told to come back after a cool-down.
        if (state.probing) throw rejected(settings.coolDownMs, 'a probe is in flight');
        state = { status: 'half-open', probing: true };
      }
      let result;
      try {
        result = await work();
      } catch (error) {
        if (!isFailure(error)) {
          if (state.status === 'half-open') state = { status: 'half-open', probing: false };
          throw error;
        }
        if (state.status === 'half-open') open(error);
        else if (state.status === 'closed') {
          const failures = state.failures + 1;
          if (failures >= settings.failureThreshold) open(error);
          else move({ status: 'closed', failures });
        }
        throw error;
      }
      move({ status: 'closed', failures: 0 });
      return result;
    },
  };
}
