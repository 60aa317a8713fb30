/**
 * Monthly acquisition cohorts as a retention matrix, computed as gold.mart_cohort_retention is:
 * a customer's cohort is the month of their first sale; cell N is the share of the cohort that
 * bought again N whole months later. `from`/`to` choose which cohorts; `country` uses the
 * customer's home country.
 */
import { countryParam, dateKey, resolveWindow, type Filters, type QuerySource, type Window } from './query-source.js';

export interface CohortRow {
  readonly cohort_month: string;
  readonly cohort_size: number;
  /** active_customers[N] and retention[N] for N = 0, 1, ... months since the first sale. */
  readonly active_customers: readonly number[];
  readonly retention: readonly number[];
}

export interface CohortMatrix {
  readonly window: Window;
  readonly country: string | null;
  readonly max_months: number;
  readonly cohorts: readonly CohortRow[];
}

export async function cohortMatrix(db: QuerySource, filters: Filters): Promise<CohortMatrix> {
  const window = await resolveWindow(db, filters);
  const cells = await db.query<{ cohort_month: string; months_since_first: number; cohort_size: number; active_customers: number; retention_rate: number }>(
    `WITH sale_months AS (
       SELECT DISTINCT customer_key AS customer_id, date_trunc('month', invoice_ts)::DATE AS activity_month
       FROM gold.fact_sales
       WHERE is_sale AND NOT is_guest
         AND ($country IS NULL OR customer_key IN (
               SELECT customer_key FROM gold.dim_customer AS dc JOIN gold.dim_country AS c ON c.country = dc.country
               WHERE c.country = $country OR c.iso2 = upper($country)))
     ),
     cohorts AS (SELECT customer_id, min(activity_month) AS cohort_month FROM sale_months GROUP BY 1),
     chosen AS (
       SELECT * FROM cohorts
       WHERE cohort_month BETWEEN date_trunc('month', strptime($k1::VARCHAR, '%Y%m%d'))::DATE AND strptime($k2::VARCHAR, '%Y%m%d')::DATE
     ),
     sizes AS (SELECT cohort_month, count(*) AS cohort_size FROM chosen GROUP BY 1),
     activity AS (
       SELECT c.cohort_month, datediff('month', c.cohort_month, s.activity_month)::INTEGER AS months_since_first, count(*) AS active_customers
       FROM sale_months AS s JOIN chosen AS c USING (customer_id) GROUP BY 1, 2
     )
     SELECT a.cohort_month::VARCHAR AS cohort_month, a.months_since_first, s.cohort_size::INTEGER AS cohort_size,
            a.active_customers::INTEGER AS active_customers, round(a.active_customers::DOUBLE / s.cohort_size, 4)::DOUBLE AS retention_rate
     FROM activity AS a JOIN sizes AS s USING (cohort_month)
     ORDER BY a.cohort_month, a.months_since_first`,
    { k1: dateKey(window.from), k2: dateKey(window.to), ...countryParam(filters) },
  );
  const byCohort = new Map<string, { size: number; active: number[]; retention: number[] }>();
  let maxMonths = 0;
  for (const cell of cells) {
    const row = byCohort.get(cell.cohort_month) ?? { size: cell.cohort_size, active: [], retention: [] };
    row.active[cell.months_since_first] = cell.active_customers;
    row.retention[cell.months_since_first] = cell.retention_rate;
    byCohort.set(cell.cohort_month, row);
    maxMonths = Math.max(maxMonths, cell.months_since_first);
  }
  const cohorts = [...byCohort.entries()].map(([cohort_month, row]) => ({
    cohort_month,
    cohort_size: row.size,
    // A month with no returning customer is a real zero, not a gap.
    active_customers: Array.from(row.active, (v) => v ?? 0),
    retention: Array.from(row.retention, (v) => v ?? 0),
  }));
  return { window, country: filters.country ?? null, max_months: maxMonths, cohorts };
}
