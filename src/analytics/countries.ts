/** Revenue, orders and customers per country in a window, with each country's share of revenue. */
import { resolveWindow, tsParams, tsRange, type Filters, type QuerySource, type Window } from './query-source.js';

export interface CountryRow {
  readonly country: string;
  readonly iso2: string | null;
  readonly region: string;
  readonly revenue_gbp: number;
  readonly sales_gbp: number;
  readonly orders: number;
  readonly customers: number;
  readonly units: number;
  readonly avg_order_value_gbp: number | null;
  readonly revenue_share: number | null;
}

export interface CountryReport {
  readonly window: Window;
  readonly countries: readonly CountryRow[];
}

export async function countrySales(db: QuerySource, filters: Omit<Filters, 'country'>): Promise<CountryReport> {
  const window = await resolveWindow(db, filters);
  const countries = await db.query<CountryRow>(
    `WITH by_country AS (
       SELECT country_key, sum(line_total_gbp) AS revenue_gbp, sum(line_total_gbp) FILTER (WHERE is_sale) AS sales_gbp,
              count(DISTINCT invoice_no) FILTER (WHERE is_sale) AS orders,
              count(DISTINCT customer_key) FILTER (WHERE is_sale AND NOT is_guest) AS customers,
              sum(quantity) FILTER (WHERE is_sale) AS units
       FROM gold.fact_sales AS f WHERE ${tsRange('f')}
       GROUP BY country_key
     )
     SELECT c.country, c.iso2, c.region, round(b.revenue_gbp, 2)::DOUBLE AS revenue_gbp, round(coalesce(b.sales_gbp, 0), 2)::DOUBLE AS sales_gbp,
            coalesce(b.orders, 0)::INTEGER AS orders, coalesce(b.customers, 0)::INTEGER AS customers, coalesce(b.units, 0)::DOUBLE AS units,
            CASE WHEN b.orders > 0 THEN round(b.sales_gbp / b.orders, 2) END::DOUBLE AS avg_order_value_gbp,
            CASE WHEN sum(b.revenue_gbp) OVER () <> 0 THEN round(b.revenue_gbp / sum(b.revenue_gbp) OVER (), 6) END::DOUBLE AS revenue_share
     FROM by_country AS b JOIN gold.dim_country AS c USING (country_key)
     ORDER BY b.revenue_gbp DESC, c.country`,
    tsParams(window),
  );
  return { window, countries };
}
