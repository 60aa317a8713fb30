/**
 * RFM segments. With no window and no country they come straight from gold.mart_customer_rfm;
 * for a window or a country the scores are recomputed the way that mart computes them, with the
 * same scoring macros (models/ddl/005_rfm_macros.sql; a test compares the two over the whole data),
 * as of the day after the window's last sale. A country keeps its home customers.
 */
import { countryParam, resolveWindow, tsParams, type Filters } from './query-source.js';
import type { QuerySource, Window } from './query-source.js';

/** A CTE chain ending in `rfm` (one row per customer); bind $t1, $t2 (tsParams) and $country. */
export const RFM_CTES = `
  customers AS (
    SELECT f.customer_key AS customer_id,
           max(f.invoice_ts) FILTER (WHERE f.is_sale)::DATE AS last_purchase_date,
           count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale) AS frequency,
           sum(f.line_total_gbp) AS monetary_gbp
    FROM gold.fact_sales AS f
    WHERE NOT f.is_guest AND f.invoice_ts >= $t1::TIMESTAMP AND f.invoice_ts < $t2::TIMESTAMP
      AND ($country IS NULL OR f.customer_key IN (
            SELECT customer_key FROM gold.dim_customer AS dc JOIN gold.dim_country AS c ON c.country = dc.country
            WHERE c.country = $country OR c.iso2 = upper($country)))
    GROUP BY f.customer_key
    HAVING count(*) FILTER (WHERE f.is_sale) > 0
  ),
  as_of AS (SELECT max(invoice_ts)::DATE + 1 AS as_of_date FROM gold.fact_sales WHERE invoice_ts >= $t1::TIMESTAMP AND invoice_ts < $t2::TIMESTAMP),
  measured AS (
    SELECT c.*, (a.as_of_date - c.last_purchase_date)::INTEGER AS recency_days FROM customers AS c CROSS JOIN as_of AS a
  ),
  scored AS (
    SELECT *,
           reference.rfm_quintile(percent_rank() OVER (ORDER BY recency_days DESC)) AS r_score,
           reference.rfm_quintile(percent_rank() OVER (ORDER BY frequency)) AS f_score,
           reference.rfm_quintile(percent_rank() OVER (ORDER BY monetary_gbp)) AS m_score
    FROM measured
  ),
  rfm AS (
    SELECT *, reference.rfm_segment(r_score, f_score) AS segment
    FROM scored
  )`;

export interface Segment {
  readonly segment: string;
  readonly customers: number;
  readonly customer_share: number;
  readonly revenue_gbp: number;
  readonly revenue_share: number | null;
  readonly avg_recency_days: number;
  readonly avg_frequency: number;
  readonly avg_monetary_gbp: number;
}

export interface SegmentReport {
  readonly window: Window;
  readonly country: string | null;
  readonly as_of: string | null;
  readonly segments: readonly Segment[];
}

export async function customerSegments(db: QuerySource, filters: Filters): Promise<SegmentReport> {
  const window = await resolveWindow(db, filters);
  const params = { ...tsParams(window), ...countryParam(filters) };
  const whole = !filters.from && !filters.to && !filters.country;
  const segments = await db.query<Segment>(
    `WITH ${whole ? 'rfm AS (SELECT * FROM gold.mart_customer_rfm)' : RFM_CTES}
     SELECT segment, count(*)::INTEGER AS customers,
            round(count(*) / sum(count(*)) OVER (), 4)::DOUBLE AS customer_share,
            round(sum(monetary_gbp), 2)::DOUBLE AS revenue_gbp,
            CASE WHEN sum(sum(monetary_gbp)) OVER () <> 0 THEN round(sum(monetary_gbp) / sum(sum(monetary_gbp)) OVER (), 4) END::DOUBLE AS revenue_share,
            round(avg(recency_days), 1)::DOUBLE AS avg_recency_days,
            round(avg(frequency), 2)::DOUBLE AS avg_frequency,
            round(avg(monetary_gbp), 2)::DOUBLE AS avg_monetary_gbp
     FROM rfm GROUP BY segment ORDER BY revenue_gbp DESC, segment`,
    whole ? {} : params,
  );
  const [asOf] = await db.query<{ as_of: string | null }>(
    'SELECT (max(invoice_ts)::DATE + 1)::VARCHAR AS as_of FROM gold.fact_sales WHERE invoice_ts >= $t1::TIMESTAMP AND invoice_ts < $t2::TIMESTAMP',
    tsParams(window),
  );
  return { window, country: filters.country ?? null, as_of: asOf?.as_of ?? null, segments };
}
