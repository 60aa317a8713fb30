/**
 * The headline sales measures (revenue, orders, customers, AOV, units, return rate) for any
 * bucketing of days, read from the per-day marts instead of gold.fact_sales: sums from
 * gold.mart_sales_day_country, orders as a distinct count over gold.mart_order_days, customers
 * over gold.mart_customer_days. Those hold fact_sales' figures at full precision, so the results
 * are the very numbers a scan of the lines gives (proved in test/api/analytics-figures.test.ts),
 * at a few thousand rows a query instead of half a million.
 */

import { speedLines } from './speed-view.js';

/** Names of two date_key parameters bounding an inclusive range of days. */
export type DayRange = readonly [from: string, to: string];

/**
 * One row per bucket that has lines in the days of `ranges` (each a pair of date_key parameter
 * names, inclusive; an empty range, from after to, holds no day): `bucket`, and the raw `revenue`,
 * `sales`, `non_sales`, `units`, `orders`, `customers`. `bucket` turns a mart's date column into
 * the bucket's SQL, always built from literals by the callers (a `date_trunc` with an
 * allow-listed grain, or a quoted period name), never from input. The country filter is
 * `$country` (see countryPredicate), bound by the caller. `withSpeed` adds the stream's speed
 * layer after gold's cut-over (bind `$cut` too, speedCutParam).
 */
export function martMeasures(bucket: (dateColumn: string) => string, ranges: readonly DayRange[], withSpeed = false): string {
  const days = (alias: string): string => ranges.map(([from, to]) => `${alias}.date_key BETWEEN $${from} AND $${to}`).join(' OR ');
  const where = (alias: string): string =>
    `(${days(alias)}) AND ($country IS NULL OR ${alias}.country_key IN (SELECT country_key FROM gold.dim_country WHERE country = $country OR iso2 = upper($country)))`;
  const bucketOf = (alias: string): string => bucket(`${alias}.date`);
  // With the speed layer, each mart is read together with the stream's events after gold's cut-over
  // (speed-view.ts), row for row in the mart's shape, so distinct counts run over both at once.
  const source = (mart: string, alias: string, columns: string, speedColumns: string, speedWhere: string): string =>
    withSpeed
      ? `(SELECT ${columns} FROM gold.${mart} AS ${alias} WHERE ${where(alias)}
          UNION ALL
          SELECT ${speedColumns} FROM (${speedLines(days)}) AS e WHERE ${speedWhere}) AS ${alias}`
      : `gold.${mart} AS ${alias} WHERE ${where(alias)}`;
  const sales = source(
    'mart_sales_day_country', 'm', 'm.date, m.revenue_gbp, m.sales_gbp, m.non_sales_gbp, m.units',
    `e.date, e.line_total_gbp, CASE WHEN e.is_sale THEN e.line_total_gbp ELSE 0 END, CASE WHEN e.is_sale THEN 0 ELSE e.line_total_gbp END,
            CASE WHEN e.is_sale THEN e.quantity ELSE 0 END`,
    'true',
  );
  const orders = source('mart_order_days', 'o', 'o.date, o.invoice_no', 'e.date, e.invoice_no', 'e.is_sale');
  const customers = source('mart_customer_days', 'c', 'c.date, c.customer_key', 'e.date, e.customer_key', 'e.is_sale AND e.customer_key <> -1');
  return `SELECT s.bucket, s.revenue, s.sales, s.non_sales, s.units, o.orders, c.customers
     FROM (SELECT ${bucketOf('m')} AS bucket, sum(m.revenue_gbp) AS revenue, sum(m.sales_gbp) AS sales,
                  sum(m.non_sales_gbp) AS non_sales, sum(m.units) AS units
           FROM ${sales} GROUP BY 1) AS s
     LEFT JOIN (SELECT ${bucketOf('o')} AS bucket, count(DISTINCT o.invoice_no) AS orders
                FROM ${orders} GROUP BY 1) AS o USING (bucket)
     LEFT JOIN (SELECT ${bucketOf('c')} AS bucket, count(DISTINCT c.customer_key) AS customers
                FROM ${customers} GROUP BY 1) AS c USING (bucket)`;
}

/**
 * The published measure columns from a `martMeasures` row aliased `alias`, which may be missing
 * (a LEFT JOIN from the buckets or periods asked for): a bucket without lines has zero revenue,
 * orders, customers and units, and no AOV or return rate. Definitions: docs/metrics.md.
 */
export const measureColumns = (alias: string): string => `
    round(coalesce(${alias}.revenue, 0), 2)::DOUBLE AS revenue_gbp,
    coalesce(${alias}.orders, 0)::INTEGER AS orders,
    coalesce(${alias}.customers, 0)::INTEGER AS customers,
    CASE WHEN ${alias}.orders > 0 THEN round(${alias}.sales / ${alias}.orders, 2) END::DOUBLE AS avg_order_value_gbp,
    coalesce(${alias}.units, 0)::DOUBLE AS units,
    CASE WHEN ${alias}.sales > 0 THEN round(coalesce(-${alias}.non_sales, 0) / ${alias}.sales, 4) END::DOUBLE AS return_rate`;
