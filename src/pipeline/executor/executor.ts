/**
 * Runs a planned set of steps: each once its dependencies are done, up to `concurrency` at a time,
 * steps sharing a resource (the warehouse's one writer connection) one at a time. Each attempt has
 * a timeout; failures are retried with backoff and jitter; the run can be cancelled with an
 * AbortSignal. A failed step blocks only the steps downstream of it. All I/O is in the steps.
 */
import { StrataError, isStrataError } from '../../shared/index.js';
import type { RetryPolicy } from '../assets/index.js';
import { backoffDelay } from './backoff.js';
import { systemClock, type Clock } from './clock.js';

export interface StepContext {
  readonly attempt: number;
  /** Aborts when the run is cancelled or the attempt times out; work should stop when it can. */
  readonly signal: AbortSignal;
}

export interface ExecutableStep<T> {
  readonly id: string;
  readonly deps: readonly string[];
  /** `if-upstream-changed`: skipped unless a dependency ran and reported a change. */
  readonly when: 'always' | 'if-upstream-changed';
  /** Steps naming the same resource never overlap. */
  readonly resource?: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  run(context: StepContext): Promise<{ readonly changed: boolean; readonly value: T }>;
}

export type StepOutcome<T> =
  | { readonly status: 'succeeded'; readonly value: T; readonly changed: boolean; readonly attempts: number }
  | { readonly status: 'failed'; readonly error: StrataError; readonly attempts: number }
  | { readonly status: 'blocked'; readonly by: string }
  | { readonly status: 'skipped'; readonly reason: 'upstream unchanged' }
  | { readonly status: 'cancelled' };

export interface ExecutorHooks<T> {
  onStart?(id: string, attempt: number): void;
  onRetry?(id: string, attempt: number, delayMs: number, error: StrataError): void;
  onFinish?(id: string, outcome: StepOutcome<T>): void;
}

export interface ExecuteOptions<T> {
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly hooks?: ExecutorHooks<T>;
}

/** Errors that will fail the same way again: not worth a retry. */
const PERMANENT = new Set(['STRATA_ERR_MODEL', 'STRATA_ERR_MODEL_CHECK', 'STRATA_ERR_ACCOUNTING', 'STRATA_ERR_USAGE', 'STRATA_ERR_RULE', 'STRATA_ERR_CANCELLED', 'STRATA_ERR_HTTP_SOURCE_REJECTED', 'STRATA_ERR_CONFIG']);
export const isRetryable = (error: StrataError): boolean => !PERMANENT.has(error.code);

/** A server's Retry-After or an open circuit's cool-down: the retry waits at least that long. */
const retryAfterOf = (error: StrataError): number => {
  const value = error.details?.['retryAfterMs'];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
};

const asStrataError = (error: unknown): StrataError =>
  isStrataError(error) ? error : new StrataError('STRATA_ERR_ENGINE', error instanceof Error ? error.message : String(error), { cause: error });

/** Runs `steps` (ids unique, deps among them) and returns every step's outcome. */
export async function execute<T>(steps: readonly ExecutableStep<T>[], options: ExecuteOptions<T> = {}): Promise<ReadonlyMap<string, StepOutcome<T>>> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const limit = Math.max(1, options.concurrency ?? 1);
  const ids = new Set(steps.map((s) => s.id));
  for (const step of steps) {
    const unknown = step.deps.filter((d) => !ids.has(d));
    if (unknown.length) throw new StrataError('STRATA_ERR_INTERNAL', `step ${step.id} depends on unplanned step(s) ${unknown.join(', ')}`);
  }
  const outcomes = new Map<string, StepOutcome<T>>();
  /** Per resource: the holders-in-waiting; the first entry holds it. */
  const resourceQueues = new Map<string, (() => void)[]>();
  const acquire = (resource: string): Promise<void> =>
    new Promise((resolve) => {
      const queue = resourceQueues.get(resource) ?? [];
      resourceQueues.set(resource, queue);
      queue.push(resolve);
      if (queue.length === 1) resolve();
    });
  const release = (resource: string): void => {
    const queue = resourceQueues.get(resource)!;
    queue.shift();
    queue[0]?.();
  };
  /** Work still running, timed out or not: the resource stays held until it really ends. */
  const inFlight = new Set<Promise<unknown>>();
  let running = 0;
  let wake: () => void = () => undefined;

  const finish = (step: ExecutableStep<T>, outcome: StepOutcome<T>): void => {
    outcomes.set(step.id, outcome);
    options.hooks?.onFinish?.(step.id, outcome);
  };

  /** One attempt under a timeout; resolves when the attempt's outcome is known. */
  const attemptOnce = (step: ExecutableStep<T>, attempt: number): Promise<{ changed: boolean; value: T }> => {
    const controller = new AbortController();
    const onRunAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onRunAbort, { once: true });
    const timerStop = new AbortController();
    const work = step.run({ attempt, signal: controller.signal });
    const held = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(held);
    void held.then(() => {
      inFlight.delete(held);
      if (step.resource) release(step.resource);
      options.signal?.removeEventListener('abort', onRunAbort);
      wake();
    });
    const timeout = clock.sleep(step.timeoutMs, timerStop.signal).then(
      () => {
        controller.abort(new StrataError('STRATA_ERR_STEP_TIMEOUT', `step ${step.id} took longer than ${step.timeoutMs} ms`));
        throw new StrataError('STRATA_ERR_STEP_TIMEOUT', `step ${step.id} took longer than ${step.timeoutMs} ms (attempt ${attempt})`);
      },
      () => new Promise<never>(() => undefined),
    );
    // The attempt's own signal aborts on run cancellation and on timeout alike.
    const aborted = new Promise<never>((_, reject) => {
      const fail = (): void => reject(isStrataError(controller.signal.reason) ? controller.signal.reason : new StrataError('STRATA_ERR_CANCELLED', 'the run was cancelled'));
      if (controller.signal.aborted) fail();
      controller.signal.addEventListener('abort', fail, { once: true });
    });
    aborted.catch(() => undefined);
    return Promise.race([work, timeout, aborted]).finally(() => timerStop.abort());
  };

  const launch = (step: ExecutableStep<T>): void => {
    running++;
    const task = (async () => {
      for (let attempt = 1; ; attempt++) {
        if (step.resource) await acquire(step.resource);
        if (options.signal?.aborted) {
          if (step.resource) release(step.resource);
          return finish(step, { status: 'cancelled' });
        }
        options.hooks?.onStart?.(step.id, attempt);
        try {
          const { changed, value } = await attemptOnce(step, attempt);
          return finish(step, { status: 'succeeded', value, changed, attempts: attempt });
        } catch (caught) {
          const error = asStrataError(caught);
          if (error.code === 'STRATA_ERR_CANCELLED' || options.signal?.aborted) return finish(step, { status: 'cancelled' });
          if (attempt >= step.retry.maxAttempts || !isRetryable(error)) return finish(step, { status: 'failed', error, attempts: attempt });
          const delay = Math.max(backoffDelay(step.retry, attempt, random), retryAfterOf(error));
          options.hooks?.onRetry?.(step.id, attempt + 1, delay, error);
          try {
            await clock.sleep(delay, options.signal);
          } catch {
            return finish(step, { status: 'cancelled' });
          }
        }
      }
    })();
    void task.finally(() => {
      running--;
      wake();
    });
  };

  await new Promise<void>((allDone) => {
    const schedule = (): void => {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const step of steps) {
          if (outcomes.has(step.id) || started.has(step.id)) continue;
          if (options.signal?.aborted) {
            finish(step, { status: 'cancelled' });
            progressed = true;
            continue;
          }
          const depOutcomes = step.deps.map((d) => [d, outcomes.get(d)] as const);
          const bad = depOutcomes.find(([, o]) => o && o.status !== 'succeeded' && o.status !== 'skipped');
          if (bad) {
            finish(step, { status: bad[1]!.status === 'cancelled' ? 'cancelled' : 'blocked', by: bad[1]!.status === 'blocked' ? (bad[1] as { by: string }).by : bad[0] } as StepOutcome<T>);
            progressed = true;
            continue;
          }
          if (depOutcomes.some(([, o]) => !o)) continue;
          const changed = depOutcomes.some(([, o]) => o!.status === 'succeeded' && o!.changed);
          if (step.when === 'if-upstream-changed' && !changed) {
            finish(step, { status: 'skipped', reason: 'upstream unchanged' });
            progressed = true;
            continue;
          }
          if (running >= limit) continue;
          started.add(step.id);
          launch(step);
          progressed = true;
        }
      }
      if (outcomes.size === steps.length && running === 0) allDone();
    };
    const started = new Set<string>();
    wake = () => queueMicrotask(schedule);
    options.signal?.addEventListener('abort', () => wake(), { once: true });
    schedule();
  });
  // Timed-out or cancelled work may still hold the engine: never hand it back mid-statement.
  await Promise.all([...inFlight]);
  return outcomes;
}
