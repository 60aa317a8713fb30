/**
 * The lambda merge: gold (the batch layer) answers for the time it covers, the stream's speed
 * layer (`stream.window_events`, one row per event that reached the windows) for the time after
 * it. The cut-over is gold's latest invoice timestamp: a speed event counts only if it is later,
 * so once a batch run has taken an event into gold, the same event drops out of the speed side
 * (no double counting), whatever the consumer still holds.
 */
import type { DataBounds, QuerySource } from './query-source.js';

export interface SpeedCoverage {
  /** Latest invoice timestamp in gold.fact_sales (null before the first batch run). */
  readonly batch_covered_to: string | null;
  /** First and last event time the speed layer adds after the cut-over (null when it adds nothing). */
  readonly speed_from: string | null;
  readonly speed_to: string | null;
  /** Events the speed layer adds after the cut-over, over all time. */
  readonly speed_lines: number;
}

/**
 * Where batch ends and speed begins; one cheap query: the latest invoice time is looked for only
 * in gold's last day (from the per-day mart), whose few row groups the zone maps leave to scan
 * (gold is stored in time order), not in every line of fact_sales.
 */
export async function speedCoverage(db: QuerySource): Promise<SpeedCoverage> {
  const [row] = await db.query<SpeedCoverage>(
    `WITH cut AS (SELECT max(invoice_ts) AS covered_to FROM gold.fact_sales
                  WHERE date_key = (SELECT max(date_key) FROM gold.mart_sales_day_country))
     SELECT strftime(c.covered_to, '%Y-%m-%d %H:%M:%S') AS batch_covered_to,
            strftime(min(e.event_time), '%Y-%m-%d %H:%M:%S') AS speed_from,
            strftime(max(e.event_time), '%Y-%m-%d %H:%M:%S') AS speed_to,
            count(e.event_time)::INTEGER AS speed_lines
     FROM cut AS c LEFT JOIN stream.window_events AS e ON c.covered_to IS NULL OR e.event_time > c.covered_to
     GROUP BY c.covered_to`,
  );
  return row ?? { batch_covered_to: null, speed_from: null, speed_to: null, speed_lines: 0 };
}

/** Data bounds widened to the speed layer's last day, so a default window reaches "today so far". */
export function widenBounds(bounds: DataBounds, speed: SpeedCoverage): DataBounds {
  if (!speed.speed_from || !speed.speed_to) return bounds;
  const speedFirst = speed.speed_from.slice(0, 10);
  const speedLast = speed.speed_to.slice(0, 10);
  return {
    first_day: bounds.first_day && bounds.first_day < speedFirst ? bounds.first_day : speedFirst,
    last_day: bounds.last_day && bounds.last_day > speedLast ? bounds.last_day : speedLast,
  };
}

/** Whether the speed layer adds anything to the days [from, to]. */
export function speedTouches(speed: SpeedCoverage, from: string, to: string): boolean {
  return speed.speed_from !== null && speed.speed_to !== null && speed.speed_from.slice(0, 10) <= to && speed.speed_to.slice(0, 10) >= from;
}

/**
 * The speed layer's events after the cut-over as sales lines in the shape the per-day marts are
 * built from (`date_key`, `date`, `country`, `invoice_no`, `line_total_gbp`, `quantity`,
 * `customer_key` as gold keys it, -1 for a guest, and `is_sale` with gold.fact_sales'
 * definition), restricted to the days `days` accepts (a predicate over `e.date_key`) and to the
 * country filter. sales-measures.ts unions these with gold's marts, so a distinct order or
 * customer seen on both sides counts once. Bind `$cut` (speedCutParam) and `$country`.
 */
export function speedLines(days: (alias: string) => string): string {
  return `SELECT e.* FROM (
       SELECT (year(w.event_time) * 10000 + month(w.event_time) * 100 + day(w.event_time))::INTEGER AS date_key, w.event_time::DATE AS date,
              w.country, w.invoice_no, w.line_total_gbp, w.quantity, coalesce(w.customer_key, -1) AS customer_key,
              coalesce(NOT upper(w.invoice_no) LIKE 'C%' AND w.quantity > 0, false) AS is_sale
       FROM stream.window_events AS w
       WHERE ($cut IS NULL OR w.event_time > $cut::TIMESTAMP)) AS e
     WHERE (${days('e')})
       AND ($country IS NULL OR e.country = $country OR e.country IN (SELECT country FROM gold.dim_country WHERE country = $country OR iso2 = upper($country)))`;
}

export const speedCutParam = (speed: SpeedCoverage): { cut: string | null } => ({ cut: speed.batch_covered_to });

/** What the speed layer contributed to an answer, for the response. */
export interface SpeedNote {
  readonly batch_covered_to: string | null;
  readonly speed_from: string | null;
  readonly speed_to: string | null;
  readonly merged: boolean;
}

export const speedNote = (speed: SpeedCoverage, merged: boolean): SpeedNote => ({
  batch_covered_to: speed.batch_covered_to,
  speed_from: merged ? speed.speed_from : null,
  speed_to: merged ? speed.speed_to : null,
  merged,
});

