/** The executor with a fake clock: ordering, concurrency, retries with backoff, timeouts, cancellation, blocking. */
import { describe, expect, it } from 'vitest';
import { StrataError } from '../../../src/shared/index.js';
import { backoffDelay, createFakeClock, execute, NO_RETRY, type ExecutableStep, type RetryPolicy } from '../../../src/pipeline/index.js';

type Step = ExecutableStep<string>;
const step = (id: string, deps: string[], run: Step['run'], extra: Partial<Step> = {}): Step => ({ id, deps, when: 'always', timeoutMs: 60_000, retry: NO_RETRY, run, ...extra });
const ok = (value: string, changed = true): Step['run'] => async () => ({ changed, value });
const RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, factor: 2 };

describe('backoff', () => {
  it('grows exponentially up to the cap, with half of each delay random', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(RETRY, a, () => 0))).toEqual([50, 100, 125, 125]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(RETRY, a, () => 1))).toEqual([100, 200, 250, 250]);
    expect(backoffDelay(RETRY, 2, () => 0.5)).toBe(150);
  });
});

describe('the executor', () => {
  it('runs steps after their dependencies, independent ones side by side up to the limit', async () => {
    const log: string[] = [];
    let running = 0;
    let peak = 0;
    const clock = createFakeClock();
    const timed = (id: string, ms: number): Step['run'] => async () => {
      log.push(`start ${id}`);
      peak = Math.max(peak, ++running);
      await clock.sleep(ms);
      running--;
      log.push(`end ${id}`);
      return { changed: true, value: id };
    };
    const done = execute([step('a', [], timed('a', 10)), step('b', [], timed('b', 10)), step('c', [], timed('c', 10)), step('d', ['a', 'b'], timed('d', 10))], { concurrency: 2, clock });
    await clock.advance(100);
    const outcomes = await done;
    expect(peak).toBe(2);
    expect(log.indexOf('start d')).toBeGreaterThan(Math.max(log.indexOf('end a'), log.indexOf('end b')));
    expect([...outcomes.values()].every((o) => o.status === 'succeeded')).toBe(true);
  });

  it('never overlaps steps that share a resource (the one writer connection)', async () => {
    const clock = createFakeClock();
    let holders = 0;
    let peak = 0;
    const write: Step['run'] = async () => {
      peak = Math.max(peak, ++holders);
      await clock.sleep(5);
      holders--;
      return { changed: true, value: 'w' };
    };
    const done = execute(['a', 'b', 'c'].map((id) => step(id, [], write, { resource: 'writer' })), { concurrency: 3, clock });
    await clock.advance(50);
    await done;
    expect(peak).toBe(1);
  });

  it('retries a failing step with exponential backoff and jitter, then succeeds', async () => {
    const clock = createFakeClock();
    let calls = 0;
    const retries: number[] = [];
    const flaky: Step['run'] = async () => {
      if (++calls < 3) throw new StrataError('STRATA_ERR_FILE_UNREADABLE', 'busy');
      return { changed: true, value: 'done' };
    };
    const done = execute([step('flaky', [], flaky, { retry: RETRY })], { clock, random: () => 1, hooks: { onRetry: (_id, _attempt, delay) => retries.push(delay) } });
    await clock.advance(99);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    await clock.advance(200);
    const outcome = (await done).get('flaky');
    expect(outcome).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(retries).toEqual([100, 200]);
  });

  it('gives up after maxAttempts, and does not retry errors that would fail again', async () => {
    const clock = createFakeClock();
    let transient = 0;
    let permanent = 0;
    const done = execute(
      [
        step('t', [], async () => { transient++; throw new Error('disk busy'); }, { retry: RETRY }),
        step('p', [], async () => { permanent++; throw new StrataError('STRATA_ERR_MODEL_CHECK', 'bad rows'); }, { retry: RETRY }),
      ],
      { clock, random: () => 0, concurrency: 2 },
    );
    await clock.advance(10_000);
    const outcomes = await done;
    expect(outcomes.get('t')).toMatchObject({ status: 'failed', attempts: 4 });
    expect(transient).toBe(4);
    expect(outcomes.get('p')).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'STRATA_ERR_MODEL_CHECK' } });
    expect(permanent).toBe(1);
  });

  it('fails an attempt that outlives its timeout, aborting its signal, and holds the resource until it ends', async () => {
    const clock = createFakeClock();
    let sawAbort = false;
    let secondStartedAt = -1;
    const slow: Step['run'] = async ({ signal }) => {
      signal.addEventListener('abort', () => (sawAbort = true));
      await clock.sleep(500);
      return { changed: true, value: 'late' };
    };
    const next: Step['run'] = async () => {
      secondStartedAt = clock.now();
      return { changed: true, value: 'next' };
    };
    const done = execute([step('slow', [], slow, { timeoutMs: 100, resource: 'w' }), step('other', [], next, { resource: 'w' })], { clock, concurrency: 2 });
    await clock.advance(1_000);
    const outcomes = await done;
    expect(outcomes.get('slow')).toMatchObject({ status: 'failed', error: { code: 'STRATA_ERR_STEP_TIMEOUT' } });
    expect(sawAbort).toBe(true);
    expect(secondStartedAt).toBe(500);
  });

  it('cancels through an AbortSignal: the running step is told, pending steps never start', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    let laterRan = false;
    const done = execute(
      [step('long', [], async ({ signal }) => { await clock.sleep(1_000, signal); return { changed: true, value: 'x' }; }), step('later', ['long'], async () => { laterRan = true; return { changed: true, value: 'y' }; })],
      { clock, signal: controller.signal },
    );
    await clock.advance(10);
    controller.abort();
    const outcomes = await done;
    expect(outcomes.get('long')).toEqual({ status: 'cancelled' });
    expect(outcomes.get('later')).toEqual({ status: 'cancelled' });
    expect(laterRan).toBe(false);
  });

  it('blocks only what is downstream of a failure', async () => {
    const outcomes = await execute([
      step('dim', [], ok('dim')),
      step('fact', ['dim'], async () => { throw new StrataError('STRATA_ERR_MODEL_CHECK', 'check failed'); }),
      step('mart', ['fact'], ok('mart')),
      step('report', ['mart'], ok('report')),
      step('other', ['dim'], ok('other')),
    ]);
    expect(Object.fromEntries([...outcomes].map(([id, o]) => [id, o.status]))).toEqual({ dim: 'succeeded', fact: 'failed', mart: 'blocked', report: 'blocked', other: 'succeeded' });
    expect(outcomes.get('report')).toEqual({ status: 'blocked', by: 'fact' });
  });

  it('skips conditional steps when nothing upstream changed', async () => {
    const outcomes = await execute([step('ingest', [], ok('none', false)), step('silver', ['ingest'], ok('s'), { when: 'if-upstream-changed' }), step('gold', ['silver'], ok('g'), { when: 'if-upstream-changed' })]);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(['succeeded', 'skipped', 'skipped']);
  });
});
