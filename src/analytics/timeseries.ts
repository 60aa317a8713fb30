/** Sales over time by day, ISO week, month or quarter; empty buckets are present with zeros. */
import type { SqlParams } from '../engine/index.js';
import { bucketStart, splitWindow, type WindowSplit } from './calendar-buckets.js';
import { addDays, countryParam, countryScope, dataBounds, dateKey, resolveWindowWithin, type Filters, type QuerySource, type Window } from './query-source.js';
import { martMeasures, measureColumns } from './sales-measures.js';
import { speedCoverage, speedCutParam, speedNote, speedTouches, widenBounds, type SpeedNote } from './speed-view.js';

export const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
export type Grain = (typeof GRAINS)[number];

/** Allow-list: the grain reaches SQL only as one of these literals. */
const TRUNC: Readonly<Record<Grain, string>> = { day: "'day'", week: "'week'", month: "'month'", quarter: "'quarter'" };

export interface TimeseriesPoint {
  readonly period_start: string;
  /** First and last day of the bucket inside the window (buckets at the edges may be partial). */
  readonly first_day: string;
  readonly last_day: string;
  readonly revenue_gbp: number;
  readonly orders: number;
  readonly customers: number;
  readonly avg_order_value_gbp: number | null;
  readonly units: number;
  readonly return_rate: number | null;
}

export interface Timeseries {
  readonly window: Window;
  readonly grain: Grain;
  readonly country: string | null;
  readonly points: readonly TimeseriesPoint[];
  /** Where gold ends and whether the stream's speed layer filled in the time after it. */
  readonly speed_layer: SpeedNote;
}

export async function timeseries(db: QuerySource, filters: Filters & { readonly grain: Grain }): Promise<Timeseries> {
  const speed = await speedCoverage(db);
  const window = filters.from && filters.to ? { from: filters.from, to: filters.to } : resolveWindowWithin(widenBounds(await dataBounds(db), speed), filters);
  const trunc = TRUNC[filters.grain];
  if (!trunc) throw new Error(`unknown grain ${String(filters.grain)}`);
  const withSpeed = speedTouches(speed, window.from, window.to);
  if (filters.grain === 'day' && !filters.country && !withSpeed) {
    // gold.mart_daily_sales holds exactly these figures per day (same definitions), precomputed.
    const points = await db.query<TimeseriesPoint>(
      `SELECT date::VARCHAR AS period_start, date::VARCHAR AS first_day, date::VARCHAR AS last_day,
              revenue_gbp::DOUBLE AS revenue_gbp, orders, customers, avg_order_value_gbp::DOUBLE AS avg_order_value_gbp,
              units::DOUBLE AS units, return_rate
       FROM gold.mart_daily_sales WHERE date_key BETWEEN $k1 AND $k2 ORDER BY date`,
      { k1: dateKey(window.from), k2: dateKey(window.to) },
    );
    return { window, grain: filters.grain, country: null, points, speed_layer: speedNote(speed, false) };
  }
  // Buckets come from the calendar (closed days included), and past gold's calendar from the days
  // up to the speed layer's last event. A bucket the window holds whole is one row of
  // gold.mart_sales_periods (for all countries, or the one country asked for); the days of buckets
  // cut by the window's edges, or every day when the filter names several countries (their
  // distinct customers do not add up), are measured from the per-day marts. So are the buckets the
  // speed layer adds to (from the one holding its first event on): the marts' days and the speed
  // layer's events after gold's cut-over are counted together there.
  const scope = await countryScope(db, filters.country);
  // A country gold has never seen may still be in the stream: then only the speed layer answers.
  const countries = scope.kind === 'none' && withSpeed ? ({ kind: 'several' } as const) : scope;
  let split: WindowSplit = filters.grain !== 'day' && countries.kind !== 'several' ? splitWindow(window, filters.grain) : { whole: null, cut: [window] };
  if (withSpeed && split.whole && filters.grain !== 'day') {
    const speedBucket = bucketStart(speed.speed_from!, filters.grain);
    if (split.whole.last >= speedBucket) {
      const kept = split.whole.first < speedBucket ? { first: split.whole.first, last: addDays(speedBucket, -1) } : null;
      const moved = { from: kept ? speedBucket : split.whole.first, to: split.whole.last };
      split = { whole: kept, cut: [...split.cut, moved] };
    }
  }
  const params: SqlParams = { k1: dateKey(window.from), k2: dateKey(window.to) };
  const parts: string[] = [];
  if (split.whole && countries.kind !== 'none') {
    parts.push(`SELECT period_start AS bucket, revenue_gbp AS revenue, sales_gbp AS sales, non_sales_gbp AS non_sales, units, orders, customers
       FROM gold.mart_sales_periods
       WHERE grain = $grain AND period_start BETWEEN $w1::DATE AND $w2::DATE AND ${countries.kind === 'one' ? 'country_key = $country_key' : 'country_key IS NULL'}`);
    Object.assign(params, { grain: filters.grain, w1: split.whole.first, w2: split.whole.last, ...(countries.kind === 'one' ? { country_key: countries.key } : {}) });
  }
  if (split.cut.length && countries.kind !== 'none') {
    split.cut.forEach((range, i) => Object.assign(params, { [`c${i}a`]: dateKey(range.from), [`c${i}b`]: dateKey(range.to) }));
    Object.assign(params, countryParam(filters), withSpeed ? speedCutParam(speed) : {});
    parts.push(martMeasures((date) => `date_trunc(${trunc}, ${date})::DATE`, split.cut.map((_range, i) => [`c${i}a`, `c${i}b`] as const), withSpeed));
  }
  const measured = parts.length ? parts.join(' UNION ALL ') : 'SELECT NULL::DATE AS bucket, NULL::DECIMAL(38, 4) AS revenue, NULL::DECIMAL(38, 4) AS sales, NULL::DECIMAL(38, 4) AS non_sales, NULL::BIGINT AS units, NULL::BIGINT AS orders, NULL::BIGINT AS customers WHERE false';
  // Days after gold's calendar up to the speed layer's last event get their buckets too.
  const speedDays = withSpeed
    ? `UNION SELECT d AS date FROM (SELECT unnest(generate_series(greatest($s1::DATE, $w_from::DATE), least($s2::DATE, $w_to::DATE), INTERVAL 1 DAY))::DATE AS d)`
    : '';
  if (withSpeed) Object.assign(params, { s1: (speed.batch_covered_to ?? speed.speed_from!).slice(0, 10), s2: speed.speed_to!.slice(0, 10), w_from: window.from, w_to: window.to });
  const points = await db.query<TimeseriesPoint>(
    `WITH days AS (
       SELECT date FROM gold.dim_date WHERE date_key BETWEEN $k1 AND $k2
       ${speedDays}
     ),
     buckets AS (
       SELECT date_trunc(${trunc}, date)::DATE AS bucket, min(date) AS first_day, max(date) AS last_day
       FROM days
       GROUP BY 1
     ),
     measured AS (${measured})
     SELECT b.bucket::VARCHAR AS period_start, b.first_day::VARCHAR AS first_day, b.last_day::VARCHAR AS last_day, ${measureColumns('m')}
     FROM buckets AS b LEFT JOIN measured AS m USING (bucket)
     ORDER BY b.bucket`,
    params,
  );
  return { window, grain: filters.grain, country: filters.country ?? null, points, speed_layer: speedNote(speed, withSpeed) };
}
