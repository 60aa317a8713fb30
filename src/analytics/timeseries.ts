/** Sales over time by day, ISO week, month or quarter; empty buckets are present with zeros. */
import { countryParam, dateKey, resolveWindow, type Filters, type QuerySource, type Window } from './query-source.js';
import { martMeasures, measureColumns } from './sales-measures.js';

export const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
export type Grain = (typeof GRAINS)[number];

/** The grains gold.mart_sales_periods holds. */
const PERIOD_GRAINS: readonly Grain[] = ['week', 'month', 'quarter'];

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
  // row of gold.mart_sales_periods (for all countries, or the one country asked for); a bucket cut
  // by the window's edge, or a filter matching several countries, is measured from the per-day marts.
  const bucket = (date: string): string => `date_trunc(${trunc}, ${date})::DATE`;
  const points = await db.query<TimeseriesPoint>(
    `WITH scope AS (
       SELECT CASE WHEN $country IS NULL THEN 'all' WHEN count(*) = 1 THEN 'one' ELSE 'other' END AS kind, min(country_key) AS country_key
       FROM gold.dim_country WHERE $country IS NOT NULL AND (country = $country OR iso2 = upper($country))
     ),
     calendar AS (
       SELECT ${bucket('date')} AS bucket, min(date) FILTER (WHERE date_key BETWEEN $k1 AND $k2) AS first_day,
              max(date) FILTER (WHERE date_key BETWEEN $k1 AND $k2) AS last_day,
              count(*) FILTER (WHERE date_key BETWEEN $k1 AND $k2) = count(*) AS whole
       FROM gold.dim_date
       WHERE ${bucket('date')} BETWEEN ${bucket('$d1::DATE')} AND ${bucket('$d2::DATE')}
       GROUP BY 1
       HAVING count(*) FILTER (WHERE date_key BETWEEN $k1 AND $k2) > 0
     ),
     buckets AS (
       SELECT c.bucket, c.first_day, c.last_day, c.whole AND s.kind IN ('all', 'one') AND $grain IN (${PERIOD_GRAINS.map((g) => `'${g}'`).join(', ')}) AS whole
       FROM calendar AS c CROSS JOIN scope AS s
     ),
     cut AS (SELECT bucket FROM buckets WHERE NOT whole),
     measured AS (
       SELECT p.period_start AS bucket, p.revenue_gbp AS revenue, p.sales_gbp AS sales, p.non_sales_gbp AS non_sales, p.units, p.orders, p.customers
       FROM gold.mart_sales_periods AS p CROSS JOIN scope AS s
       WHERE p.grain = $grain AND p.country_key IS NOT DISTINCT FROM s.country_key AND s.kind IN ('all', 'one')
         AND p.period_start IN (SELECT bucket FROM buckets WHERE whole)
       UNION ALL
       ${martMeasures(bucket, 'k1', 'k2', { onlyBuckets: 'cut' })}
     )
     SELECT b.bucket::VARCHAR AS period_start, b.first_day::VARCHAR AS first_day, b.last_day::VARCHAR AS last_day, ${measureColumns('m')}
     FROM buckets AS b LEFT JOIN measured AS m USING (bucket)
     ORDER BY b.bucket`,
    { k1: dateKey(window.from), k2: dateKey(window.to), d1: window.from, d2: window.to, grain: filters.grain, ...countryParam(filters) },
  );
  return { window, grain: filters.grain, country: filters.country ?? null, points };
}
