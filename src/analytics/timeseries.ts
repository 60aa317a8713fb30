/** Sales over time by day, ISO week, month or quarter; empty buckets are present with zeros. */
import { countryParam, dateKey, resolveWindow, type Filters, type QuerySource, type Window } from './query-source.js';
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
  // Buckets come from the calendar (closed days included); figures from the per-day marts.
  const points = await db.query<TimeseriesPoint>(
    `WITH buckets AS (
       SELECT date_trunc(${trunc}, date)::DATE AS period_start, min(date) AS first_day, max(date) AS last_day
       FROM gold.dim_date WHERE date_key BETWEEN $k1 AND $k2
       GROUP BY 1
     ),
     measured AS (${martMeasures((date) => `date_trunc(${trunc}, ${date})::DATE`, 'k1', 'k2')})
     SELECT b.period_start::VARCHAR AS period_start, b.first_day::VARCHAR AS first_day, b.last_day::VARCHAR AS last_day, ${measureColumns('m')}
     FROM buckets AS b LEFT JOIN measured AS m ON m.bucket = b.period_start
     ORDER BY b.period_start`,
    { k1: dateKey(window.from), k2: dateKey(window.to), ...countryParam(filters) },
  );
  return { window, grain: filters.grain, country: filters.country ?? null, points };
}
