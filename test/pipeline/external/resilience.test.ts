/** The circuit breaker and the shared rate budget, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { createCircuitBreaker, createFakeClock, createRateBudget, createResourceRegistry } from '../../../src/pipeline/index.js';
import { StrataError } from '../../../src/shared/index.js';

const boom = async (): Promise<never> => {
  throw new Error('boom');
};
const fine = async (): Promise<string> => 'ok';
const codeOf = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (e: unknown) => (e instanceof StrataError ? e.code : (e as Error).message));

describe('the circuit breaker', () => {
  it('opens after the failure threshold and refuses calls, without making them, during the cool-down', async () => {
    const clock = createFakeClock(1_000);
    const breaker = createCircuitBreaker('shop', { failureThreshold: 3, coolDownMs: 5_000 }, clock);
    let calls = 0;
    const counted = async (): Promise<never> => {
      calls++;
      throw new Error('boom');
    };
    expect(await codeOf(breaker.call(counted))).toBe('boom');
    expect(await codeOf(breaker.call(counted))).toBe('boom');
    expect(breaker.state).toEqual({ status: 'closed', failures: 2 });
    expect(await codeOf(breaker.call(counted))).toBe('boom');
    expect(breaker.state).toMatchObject({ status: 'open', until: 6_000, lastError: 'boom' });
    await clock.advance(4_999);
    const refused = await breaker.call(counted).catch((e: StrataError) => e);
    expect(refused).toMatchObject({ code: 'STRATA_ERR_CIRCUIT_OPEN', details: { retryAfterMs: 1 } });
    expect(calls).toBe(3);
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker('shop', { failureThreshold: 1, coolDownMs: 100 }, clock);
    await codeOf(breaker.call(boom));
    await clock.advance(100);
    let release: (v: string) => void = () => undefined;
    const probe = breaker.call(() => new Promise<string>((r) => (release = r)));
    expect(breaker.state).toEqual({ status: 'half-open', probing: true });
    expect(await codeOf(breaker.call(fine))).toBe('STRATA_ERR_CIRCUIT_OPEN');
    release('ok');
    expect(await probe).toBe('ok');
    expect(breaker.state).toEqual({ status: 'closed', failures: 0 });
    expect(breaker.transitions.map((t) => `${t.from}->${t.to}@${t.at}`)).toEqual(['closed->open@0', 'open->half-open@100', 'half-open->closed@100']);
  });

  it('opens again for a full cool-down when the probe fails', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker('shop', { failureThreshold: 2, coolDownMs: 100 }, clock);
    await codeOf(breaker.call(boom));
    await codeOf(breaker.call(boom));
    await clock.advance(150);
    expect(await codeOf(breaker.call(boom))).toBe('boom');
    expect(breaker.state).toMatchObject({ status: 'open', until: 250 });
  });

  it('does not count errors that are not the resource failing', async () => {
    const clock = createFakeClock();
    const breaker = createCircuitBreaker('shop', { failureThreshold: 1, coolDownMs: 100 }, clock);
    const refused = new StrataError('STRATA_ERR_HTTP_SOURCE_REJECTED', '404');
    await codeOf(breaker.call(() => Promise.reject(refused), (e) => e !== refused));
    expect(breaker.state).toEqual({ status: 'closed', failures: 0 });
  });
});

describe('the rate budget', () => {
  it('hands out a burst, then one token per interval, to every caller in arrival order', async () => {
    const clock = createFakeClock();
    const budget = createRateBudget({ ratePerSecond: 4, burst: 2 }, clock);
    const got: string[] = [];
    const take = (who: string): Promise<void> => budget.take().then(() => void got.push(`${who}@${clock.now()}`));
    const all = Promise.all([take('a1'), take('b1'), take('a2'), take('b2'), take('a3')]);
    await clock.advance(1_000);
    await all;
    expect(got).toEqual(['a1@0', 'b1@0', 'a2@250', 'b2@500', 'a3@750']);
  });

  it('holds every caller back while paused by a Retry-After', async () => {
    const clock = createFakeClock();
    const budget = createRateBudget({ ratePerSecond: 100, burst: 5 }, clock);
    budget.pause(2_000);
    let at = -1;
    const taken = budget.take().then(() => (at = clock.now()));
    await clock.advance(1_999);
    expect(at).toBe(-1);
    await clock.advance(1);
    await taken;
    expect(at).toBe(2_000);
  });

  it('gives up waiting when the step is cancelled', async () => {
    const clock = createFakeClock();
    const budget = createRateBudget({ ratePerSecond: 1, burst: 1 }, clock);
    await budget.take();
    const controller = new AbortController();
    const waiting = codeOf(budget.take(controller.signal));
    controller.abort();
    expect(await waiting).toBe('STRATA_ERR_CANCELLED');
  });
});

describe('external resources', () => {
  it('are shared by name within a process: the first settings win', () => {
    const registry = createResourceRegistry(createFakeClock());
    const a = registry.get('shop', { breaker: { failureThreshold: 1, coolDownMs: 1 }, rate: { ratePerSecond: 1, burst: 1 } });
    const b = registry.get('shop', { breaker: { failureThreshold: 9, coolDownMs: 9 }, rate: { ratePerSecond: 9, burst: 9 } });
    expect(b).toBe(a);
    expect(registry.get('other', { breaker: { failureThreshold: 1, coolDownMs: 1 }, rate: { ratePerSecond: 1, burst: 1 } })).not.toBe(a);
  });
});

describe('HTTP source settings', () => {
  it('come from STRATA_HTTP_SOURCES as JSON, with defaults, and a bad one names the variable and the field', async () => {
    const { loadConfig } = await import('../../../src/config/index.js');
    const config = loadConfig({}, { STRATA_HTTP_SOURCES: '{"shop":{"url":"https://shop.example/api/tx","authEnv":"SHOP_TOKEN"}}' });
    expect(config.httpSources['shop']).toMatchObject({ paging: 'cursor', pageSize: 500, authHeader: 'Authorization', authScheme: 'Bearer', authEnv: 'SHOP_TOKEN' });
    expect(() => loadConfig({}, { STRATA_HTTP_SOURCES: '{"shop":{"url":"ftp://x"}}' })).toThrow(/STRATA_HTTP_SOURCES: shop\.url/);
    expect(() => loadConfig({}, { STRATA_HTTP_SOURCES: '{"shop":{"url":"https://x","pageSise":5}}' })).toThrow(/STRATA_HTTP_SOURCES/);
  });
});
