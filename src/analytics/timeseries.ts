/** Sales over time by day, ISO week, month or quarter; empty buckets are present with zeros. */
import type { SqlParams } from '../engine/index.js';
import { splitWindow, type WindowSplit } from './calendar-buckets.js';
import { countryParam, countryScope, dateKey, resolveWindow, type Filters, type QuerySource, type Window } from './query-source.js';
import { martMeasures, measureColumns } from './sales-measures.js';

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
}

export async function timeseries(db: QuerySource, filters: Filters & { readonly grain: Grain }): Promise<Timeseries> {
  const window = await resolveWindow(db, filters);
  const trunc = TRUNC[filters.grain];
  if (!trunc) throw new Error(`unknown grain ${String(filters.grain)}`);
  if (filters.grain === 'day' && !filters.country) {
    // gold.mart_daily_sales holds exactly these figures per day (same definitions), precomputed.
    const points = await db.query<TimeseriesPoint>(
      `SELECT date::VARCHAR AS period_start, date::VARCHAR AS first_day, date::VARCHAR AS last_day,
              revenue_gbp::DOUBLE AS revenue_gbp, orders, customers, avg_order_value_gbp::DOUBLE AS avg_order_value_gbp,
              units::DOUBLE AS units, return_rate
       FROM gold.mart_daily_sales WHERE date_key BETWEEN $k1 AND $k2 ORDER BY date`,
      { k1: dateKey(window.from), k2: dateKey(window.to) },
    );
    return { window, grain: filters.grain, country: null, points };
  }
  // Buckets come from the calendar (closed days included). A bucket the window holds whole is one
  // row of gold.mart_sales_periods (for all countries, or the one country asked for); the days of
  // buckets cut by the window's edges, or every day when the filter names several countries (their
  // distinct customers do not add up), are measured from the per-day marts.
  const scope = await countryScope(db, filters.country);
  const split: WindowSplit = filters.grain !== 'day' && scope.kind !== 'several' ? splitWindow(window, filters.grain) : { whole: null, cut: [window] };
  const params: SqlParams = { k1: dateKey(window.from), k2: dateKey(window.to) };
  const parts: string[] = [];
  if (split.whole && scope.kind !== 'none') {
    parts.push(`SELECT period_start AS bucket, revenue_gbp AS revenue, sales_gbp AS sales, non_sales_gbp AS non_sales, units, orders, customers
       FROM gold.mart_sales_periods
       WHERE grain = $grain AND period_start BETWEEN $w1::DATE AND $w2::DATE AND ${scope.kind === 'one' ? 'country_key = $country_key' : 'country_key IS NULL'}`);
    Object.assign(params, { grain: filters.grain, w1: split.whole.first, w2: split.whole.last, ...(scope.kind === 'one' ? { country_key: scope.key } : {}) });
  }
  if (split.cut.length && scope.kind !== 'none') {
    split.cut.forEach((range, i) => Object.assign(params, { [`c${i}a`]: dateKey(range.from), [`c${i}b`]: dateKey(range.to) }));
    Object.assign(params, countryParam(filters));
    parts.push(martMeasures((date) => `date_trunc(${trunc}, ${date})::DATE`, split.cut.map((_range, i) => [`c${i}a`, `c${i}b`] as const)));
  }
  const measured = parts.length ? parts.join(' UNION ALL ') : 'SELECT NULL::DATE AS bucket, NULL::DECIMAL(38, 4) AS revenue, NULL::DECIMAL(38, 4) AS sales, NULL::DECIMAL(38, 4) AS non_sales, NULL::BIGINT AS units, NULL::BIGINT AS orders, NULL::BIGINT AS customers WHERE false';
  const points = await db.query<TimeseriesPoint>(
    `WITH buckets AS (
       SELECT date_trunc(${trunc}, date)::DATE AS bucket, min(date) AS first_day, max(date) AS last_day
       FROM gold.dim_date WHERE date_key BETWEEN $k1 AND $k2
       GROUP BY 1
     ),
     measured AS (${measured})
     SELECT b.bucket::VARCHAR AS period_start, b.first_day::VARCHAR AS first_day, b.last_day::VARCHAR AS last_day, ${measureColumns('m')}
     FROM buckets AS b LEFT JOIN measured AS m USING (bucket)
     ORDER BY b.bucket`,
    params,
  );
  return { window, grain: filters.grain, country: filters.country ?? null, points };
}
