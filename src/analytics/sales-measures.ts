/**
 * The headline sales measures (revenue, orders, customers, AOV, units, return rate) for any
 * bucketing of days, read from the per-day marts instead of gold.fact_sales: sums from
 * gold.mart_sales_day_country, orders as a distinct count over gold.mart_order_days, customers
 * over gold.mart_customer_days. Those hold fact_sales' figures at full precision, so the results
 * are the very numbers a scan of the lines gives (proved in test/api/analytics-figures.test.ts),
 * at a few thousand rows a query instead of half a million.
 */

/** Names of two date_key parameters bounding an inclusive range of days. */
export type DayRange = readonly [from: string, to: string];

/**
 * One row per bucket that has lines in the days of `ranges` (each a pair of date_key parameter
 * names, inclusive; an empty range, from after to, holds no day): `bucket`, and the raw `revenue`,
 * `sales`, `non_sales`, `units`, `orders`, `customers`. `bucket` turns a mart's date column into
 * the bucket's SQL, always built from literals by the callers (a `date_trunc` with an
 * allow-listed grain, or a quoted period name), never from input. The country filter is
 * `$country` (see countryPredicate), bound by the caller.
 */
export function martMeasures(bucket: (dateColumn: string) => string, ranges: readonly DayRange[]): string {
  const days = (alias: string): string => ranges.map(([from, to]) => `${alias}.date_key BETWEEN $${from} AND $${to}`).join(' OR ');
  const where = (alias: string): string =>
    `(${days(alias)}) AND ($country IS NULL OR ${alias}.country_key IN (SELECT country_key FROM gold.dim_country WHERE country = $country OR iso2 = upper($country)))`;
  const bucketOf = (alias: string): string => bucket(`${alias}.date`);
  return `SELECT s.bucket, s.revenue, s.sales, s.non_sales, s.units, o.orders, c.customers
     FROM (SELECT ${bucketOf('m')} AS bucket, sum(m.revenue_gbp) AS revenue, sum(m.sales_gbp) AS sales,
                  sum(m.non_sales_gbp) AS non_sales, sum(m.units) AS units
           FROM gold.mart_sales_day_country AS m WHERE ${where('m')} GROUP BY 1) AS s
     LEFT JOIN (SELECT ${bucketOf('o')} AS bucket, count(DISTINCT o.invoice_no) AS orders
                FROM gold.mart_order_days AS o WHERE ${where('o')} GROUP BY 1) AS o USING (bucket)
     LEFT JOIN (SELECT ${bucketOf('c')} AS bucket, count(DISTINCT c.customer_key) AS customers
                FROM gold.mart_customer_days AS c WHERE ${where('c')} GROUP BY 1) AS c USING (bucket)`;
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
