/**
 * Churn risk bands from recency and frequency. A customer's risk compares the days since their
 * last purchase with their own usual gap between orders (one-off buyers use the floors). The
 * reference date defaults to the last day in the data, never the wall clock.
 */
import { countryParam, dataBounds, dateKey, type QuerySource } from './query-source.js';

export const CHURN_METHOD =
  'recency vs own cadence: gap = (last - first purchase) / (orders - 1); low if recency <= max(30, 1.5 x gap) days, medium if <= max(90, 3 x gap), else high';

export interface ChurnBand {
  readonly band: 'low' | 'medium' | 'high';
  readonly customers: number;
  readonly share: number;
  readonly revenue_gbp: number;
  readonly avg_recency_days: number;
  readonly avg_orders: number;
}

export interface ChurnReport {
  readonly as_of: string;
  readonly country: string | null;
  readonly method: string;
  readonly bands: readonly ChurnBand[];
}

/** A CTE chain ending in `risk` (one row per customer with a sale on or before $as_of_key). */
export const CHURN_CTES = `
  history AS (
    SELECT customer_key, min(invoice_ts)::DATE AS first_day, max(invoice_ts)::DATE AS last_day,
           count(DISTINCT invoice_no) AS orders, sum(line_total_gbp) AS revenue_gbp
    FROM gold.fact_sales
    WHERE is_sale AND NOT is_guest AND invoice_ts < strptime($as_of_key::VARCHAR, '%Y%m%d') + INTERVAL 1 DAY
      AND ($country IS NULL OR customer_key IN (
            SELECT customer_key FROM gold.dim_customer AS dc JOIN gold.dim_country AS c ON c.country = dc.country
            WHERE c.country = $country OR c.iso2 = upper($country)))
    GROUP BY customer_key
  ),
  measured AS (
    SELECT *, (strptime($as_of_key::VARCHAR, '%Y%m%d')::DATE - last_day)::INTEGER AS recency_days,
           CASE WHEN orders > 1 THEN (last_day - first_day)::DOUBLE / (orders - 1) ELSE 0 END AS gap_days
    FROM history
  ),
  risk AS (
    SELECT *, CASE WHEN recency_days <= greatest(30, 1.5 * gap_days) THEN 'low'
                   WHEN recency_days <= greatest(90, 3 * gap_days) THEN 'medium'
                   ELSE 'high' END AS band
    FROM measured
  )`;

export async function churnRisk(db: QuerySource, options: { readonly as_of?: string | undefined; readonly country?: string | undefined }): Promise<ChurnReport> {
  const asOf = options.as_of ?? (await dataBounds(db)).last_day ?? '1970-01-01';
  const bands = await db.query<ChurnBand>(
    `WITH ${CHURN_CTES}
     SELECT band, count(*)::INTEGER AS customers, round(count(*) / sum(count(*)) OVER (), 4)::DOUBLE AS share,
            round(sum(revenue_gbp), 2)::DOUBLE AS revenue_gbp, round(avg(recency_days), 1)::DOUBLE AS avg_recency_days,
            round(avg(orders), 2)::DOUBLE AS avg_orders
     FROM risk GROUP BY band
     ORDER BY CASE band WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`,
    { as_of_key: dateKey(asOf), ...countryParam(options) },
  );
  return { as_of: asOf, country: options.country ?? null, method: CHURN_METHOD, bands };
}
