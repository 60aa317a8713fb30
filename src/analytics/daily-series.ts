/** Daily revenue and orders for every calendar day in a window (closed days are zeros), from the per-day marts. */
import { countryParam, dateKey, resolveWindow, type Filters, type QuerySource, type Window } from './query-source.js';
import { martMeasures } from './sales-measures.js';

export interface DailyPoint {
  readonly date: string;
  /** ISO day of week, 1 = Monday. */
  readonly iso_dow: number;
  readonly revenue_gbp: number;
  readonly orders: number;
}

export async function dailySeries(db: QuerySource, filters: Filters): Promise<{ window: Window; days: DailyPoint[] }> {
  const window = await resolveWindow(db, filters);
  const days = await db.query<DailyPoint>(
    `WITH measured AS (${martMeasures((date) => date, [['k1', 'k2']])})
     SELECT d.date::VARCHAR AS date, isodow(d.date)::INTEGER AS iso_dow,
            round(coalesce(m.revenue, 0), 2)::DOUBLE AS revenue_gbp, coalesce(m.orders, 0)::INTEGER AS orders
     FROM gold.dim_date AS d LEFT JOIN measured AS m ON m.bucket = d.date
     WHERE d.date_key BETWEEN $k1 AND $k2
     ORDER BY d.date`,
    { k1: dateKey(window.from), k2: dateKey(window.to), ...countryParam(filters) },
  );
  return { window, days };
}
