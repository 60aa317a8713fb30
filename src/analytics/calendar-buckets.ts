/**
 * Calendar arithmetic for time-series buckets (ISO weeks from Monday, months, quarters), the same
 * boundaries as DuckDB's date_trunc: which buckets a window holds whole, and which days at its
 * edges belong to buckets it cuts.
 */
import { addDays, isoDate, toDate, type Window } from './query-source.js';

export type PeriodGrain = 'week' | 'month' | 'quarter';

/** First day of the bucket holding `iso`. */
export function bucketStart(iso: string, grain: PeriodGrain): string {
  const d = toDate(iso);
  if (grain === 'week') return addDays(iso, -((d.getUTCDay() + 6) % 7));
  const month = grain === 'month' ? d.getUTCMonth() : d.getUTCMonth() - (d.getUTCMonth() % 3);
  return isoDate(new Date(Date.UTC(d.getUTCFullYear(), month, 1)));
}

/** First day of the bucket after the one starting on `start`. */
export function nextBucket(start: string, grain: PeriodGrain): string {
  if (grain === 'week') return addDays(start, 7);
  const d = toDate(start);
  return isoDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + (grain === 'month' ? 1 : 3), 1)));
}

export interface WindowSplit {
  /** Buckets starting from `first` up to `last` (inclusive) lie wholly inside the window; null when none does. */
  readonly whole: { readonly first: string; readonly last: string } | null;
  /** The window's days outside those buckets: at most one range before them and one after (inclusive; may be empty). */
  readonly cut: readonly Window[];
}

export function splitWindow(window: Window, grain: PeriodGrain): WindowSplit {
  const startOfFrom = bucketStart(window.from, grain);
  const first = startOfFrom === window.from ? startOfFrom : nextBucket(startOfFrom, grain);
  // The bucket holding the day after the window is the first one not wholly inside it.
  const end = bucketStart(addDays(window.to, 1), grain);
  if (first >= end) return { whole: null, cut: [window] };
  return {
    whole: { first, last: addDays(end, -1) },
    cut: [
      { from: window.from, to: addDays(first, -1) },
      { from: end, to: window.to },
    ].filter((range) => range.from <= range.to),
  };
}
