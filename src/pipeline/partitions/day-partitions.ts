/**
 * Day partitions: a day is `YYYY-MM-DD` in requests and events, and its key in gold is the
 * YYYYMMDD integer (`date_key`). Pure helpers: parsing (a bad day names itself), ranges, keys,
 * and the SQL filter that selects partitions with bound parameters (pushed down into the scans).
 */
import { StrataError } from '../../shared/index.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validates a day such as 2011-01-05 (a real calendar day); `what` names the flag or field in errors. */
export function parseDay(text: string, what = 'partition'): string {
  const m = DAY.exec(text.trim());
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== text.trim()) {
    throw new StrataError('STRATA_ERR_USAGE', `${what} ${JSON.stringify(text)}: expected a calendar day as YYYY-MM-DD`);
  }
  return text.trim();
}

export const isDay = (text: string | null | undefined): text is string => typeof text === 'string' && DAY.test(text);

/** Every day from `from` to `to`, both included, in order. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${parseDay(from, '--from')}T00:00:00Z`);
  const end = Date.parse(`${parseDay(to, '--to')}T00:00:00Z`);
  if (end < start) throw new StrataError('STRATA_ERR_USAGE', `--to ${to} is before --from ${from}`);
  const days: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** 2011-01-05 -> 20110105 (the gold models' date_key). */
export const dayKey = (day: string): number => Number(day.replaceAll('-', ''));

/** 20110105 -> 2011-01-05. */
export const dayOfKey = (key: number): string => {
  const s = String(key);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};

/**
 * `column IN ($pk0, $pk1, ...)` with one bound integer per day: DuckDB pushes a constant IN list
 * down into the model's scans (a list parameter or a subquery stays a filter on top). `column`
 * comes from a validated model declaration.
 */
export function partitionFilter(column: string, days: readonly string[]): { sql: string; params: Record<string, number> } {
  if (!days.length) return { sql: 'false', params: {} };
  const params = Object.fromEntries(days.map((d, i) => [`pk${i}`, dayKey(d)]));
  return { sql: `${column} IN (${days.map((_, i) => `$pk${i}`).join(', ')})`, params };
}

export const sortedDays = (days: Iterable<string>): string[] => [...new Set(days)].sort();

/** An input of a partitioned model that is itself split by day: silver by its DATE, gold models by their day key. */
export interface DayInput {
  readonly relation: string;
  readonly column: string;
  readonly type: 'date' | 'key';
}

/**
 * The model's SQL reading only `days` of its day-split inputs: each reference to such an input
 * becomes a subquery filtered on its day column (which the engine turns into a scan filter over
 * zone maps, where a filter on the model's output often stays above a join or an aggregate).
 * Sound by the premise of day partitions, the one partition tracking already rests on: a model's
 * day depends only on the same day of its day-split inputs (plus whole inputs such as dims).
 * Days are validated calendar days, so the literals are safe.
 */
export function readOnlyDays(sql: string, inputs: readonly DayInput[], days: readonly string[]): string {
  if (!days.length) return sql;
  let out = sql;
  for (const input of inputs) {
    const values = input.type === 'date' ? days.map((d) => `DATE '${parseDay(d)}'`) : days.map(dayKey);
    const pattern = new RegExp(`\\b${input.relation.replace('.', '\\.')}\\b`, 'g');
    out = out.replace(pattern, `(SELECT * FROM ${input.relation} WHERE ${input.column} IN (${values.join(', ')}))`);
  }
  return out;
}
