/**
 * Cron schedules: next fire times from croner in the schedule's own time zone (across daylight
 * saving changes), the loop driven by the fake clock (no waiting for wall time), and validation
 * of STRATA_SCHEDULES naming the variable.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { createFakeClock, nextFire, runSchedules, type Schedule } from '../../../src/pipeline/index.js';

const nightly = (timezone: string, cron = '0 2 * * *'): Schedule => ({ name: 'nightly', cron, timezone, job: 'full' });
const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

describe('cron schedules', () => {
  it('reads the pattern in the schedule’s time zone, following daylight saving', () => {
    // London moves to BST on 2026-03-29: 02:00 local is 02:00Z before, 01:00Z after.
    expect(iso(nextFire(nightly('Europe/London'), new Date('2026-03-28T00:00:00Z')))).toBe('2026-03-28T02:00:00.000Z');
    expect(iso(nextFire(nightly('Europe/London'), new Date('2026-03-28T02:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    // New York is UTC-5 in January, UTC-4 in July.
    expect(iso(nextFire(nightly('America/New_York'), new Date('2026-01-10T00:00:00Z')))).toBe('2026-01-10T07:00:00.000Z');
    expect(iso(nextFire(nightly('America/New_York'), new Date('2026-07-10T00:00:00Z')))).toBe('2026-07-10T06:00:00.000Z');
    expect(iso(nextFire(nightly('UTC', '*/15 * * * *'), new Date('2026-01-10T10:07:00Z')))).toBe('2026-01-10T10:15:00.000Z');
  });

  it('fires each schedule when due on a fake clock, and stops when asked', async () => {
    const clock = createFakeClock(Date.parse('2026-03-27T12:00:00Z'));
    const stop = new AbortController();
    const fired: string[] = [];
    const loop = runSchedules([nightly('Europe/London'), { name: 'hourly', cron: '0 * * * *', timezone: 'UTC', job: 'run' }], {
      clock,
      signal: stop.signal,
      fire: async (s, at) => void fired.push(`${s.name} ${at.toISOString()}`),
    });
    await clock.advance(3 * 86_400_000);
    stop.abort();
    await loop;
    const nightlyFires = fired.filter((f) => f.startsWith('nightly'));
    expect(nightlyFires).toEqual(['nightly 2026-03-28T02:00:00.000Z', 'nightly 2026-03-29T01:00:00.000Z', 'nightly 2026-03-30T01:00:00.000Z']);
    expect(fired.filter((f) => f.startsWith('hourly'))).toHaveLength(72);
    const after = fired.length;
    await clock.advance(86_400_000);
    expect(fired).toHaveLength(after);
  });

  it('does not pile up fires while one is still running: the next is the first due after it ends', async () => {
    const clock = createFakeClock(Date.parse('2026-01-01T00:00:30Z'));
    const stop = new AbortController();
    const fired: string[] = [];
    const loop = runSchedules([{ name: 'minutely', cron: '* * * * *', timezone: 'UTC', job: 'run' }], {
      clock,
      signal: stop.signal,
      fire: async (_s, at) => {
        fired.push(at.toISOString());
        await clock.sleep(150_000); // a run of two and a half minutes
      },
    });
    await clock.advance(10 * 60_000);
    stop.abort();
    await clock.advance(300_000);
    await loop;
    expect(fired.slice(0, 3)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:04:00.000Z', '2026-01-01T00:07:00.000Z']);
  });

  it('takes schedules from STRATA_SCHEDULES and refuses a bad pattern, time zone or duplicate name, naming the variable', () => {
    expect(loadConfig({}, {}).schedules).toEqual([{ name: 'nightly', cron: '0 2 * * *', timezone: 'UTC', job: 'full' }]);
    const set = JSON.stringify([{ name: 'hourly', cron: '5 * * * *', timezone: 'Europe/Paris' }]);
    expect(loadConfig({}, { STRATA_SCHEDULES: set }).schedules).toEqual([{ name: 'hourly', cron: '5 * * * *', timezone: 'Europe/Paris', job: 'run' }]);
    expect(loadConfig({}, { STRATA_SCHEDULES: '[]' }).schedules).toEqual([]);
    expect(() => loadConfig({}, { STRATA_SCHEDULES: JSON.stringify([{ name: 'bad', cron: '61 * * * *' }]) })).toThrow(/^invalid setting STRATA_SCHEDULES: .*schedule bad: .*minute/);
    expect(() => loadConfig({}, { STRATA_SCHEDULES: JSON.stringify([{ name: 'mars', cron: '0 2 * * *', timezone: 'Mars/Olympus' }]) })).toThrow(/^invalid setting STRATA_SCHEDULES: .*Mars\/Olympus/);
    expect(() => loadConfig({}, { STRATA_SCHEDULES: JSON.stringify([{ name: 'a', cron: '0 2 * * *' }, { name: 'a', cron: '0 3 * * *' }]) })).toThrow(/^invalid setting STRATA_SCHEDULES: schedule names must be unique/);
    expect(() => loadConfig({}, { STRATA_SCHEDULES: JSON.stringify([{ name: 'x', cron: '0 2 * * *', job: 'reboot' }]) })).toThrow(/^invalid setting STRATA_SCHEDULES: /);
  });
});
