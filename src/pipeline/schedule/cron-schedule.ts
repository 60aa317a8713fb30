/**
 * Cron schedules (croner), read in their own time zone, daylight saving included. `nextFire` is
 * pure given its `after`; `runSchedules` sleeps on a Clock until each schedule is due and calls
 * `fire`, so tests drive it with the fake clock instead of waiting for wall time. A fire that is
 * still running when the next one falls due does not pile up: the next is computed once it ends.
 */
import { Cron } from 'croner';
import type { ScheduleSettings } from '../../config/index.js';
import { StrataError } from '../../shared/index.js';
import type { Clock } from '../executor/index.js';

export type Schedule = ScheduleSettings;

/** The first time strictly after `after` that `schedule` is due, or null if never again. */
export function nextFire(schedule: Schedule, after: Date): Date | null {
  try {
    return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(after);
  } catch (error) {
    throw new StrataError('STRATA_ERR_CONFIG', `schedule ${schedule.name}: ${(error as Error).message}`, { cause: error });
  }
}

/** setTimeout holds at most 2^31-1 ms (24.8 days): longer waits are slept in parts. */
const MAX_SLEEP_MS = 2 ** 31 - 1;

/**
 * Runs until `signal` aborts: for each schedule, sleep until it is due, then `fire(schedule, at)`.
 * `onNext` hears each next fire time (for logs). Resolves once every schedule's loop has stopped.
 */
export async function runSchedules(
  schedules: readonly Schedule[],
  options: { readonly clock: Clock; readonly signal: AbortSignal; readonly fire: (schedule: Schedule, at: Date) => Promise<void>; readonly onNext?: (schedule: Schedule, at: Date) => void },
): Promise<void> {
  const { clock, signal } = options;
  const loop = async (schedule: Schedule): Promise<void> => {
    while (!signal.aborted) {
      const next = nextFire(schedule, new Date(clock.now()));
      if (!next) return;
      options.onNext?.(schedule, next);
      while (!signal.aborted && clock.now() < next.getTime()) {
        try {
          await clock.sleep(Math.min(next.getTime() - clock.now(), MAX_SLEEP_MS), signal);
        } catch {
          return; // cancelled
        }
      }
      if (signal.aborted) return;
      await options.fire(schedule, next);
    }
  };
  await Promise.all(schedules.map(loop));
}
