/** Top real products (no postage, fees or manual lines) in a window by revenue, units or customers. */
import { countryParam, countryPredicate, resolveWindow, tsParams, tsRange, type Filters, type QuerySource, type Window } from './query-source.js';

export const PRODUCT_METRICS = ['revenue', 'units', 'customers'] as const;
export type ProductMetric = (typeof PRODUCT_METRICS)[number];
/** Allow-list: metric -> the output column it orders by. */
const ORDER_BY: Readonly<Record<ProductMetric, string>> = { revenue: 'revenue_gbp', units: 'units_sold', customers: 'customers' };
export const TOP_PRODUCTS_MAX = 100;

export interface ProductRow {
  readonly rank: number;
  readonly stock_code: string;
  readonly description: string | null;
  readonly revenue_gbp: number;
  readonly sales_gbp: number;
  readonly units_sold: number;
  readonly units_returned: number;
  readonly orders: number;
  readonly customers: number;
}

export interface TopProducts {
  readonly window: Window;
  readonly country: string | null;
  readonly metric: ProductMetric;
  readonly products: readonly ProductRow[];
}

export async function topProducts(db: QuerySource, filters: Filters & { readonly metric: ProductMetric; readonly limit: number }): Promise<TopProducts> {
  const window = await resolveWindow(db, filters);
  const orderBy = ORDER_BY[filters.metric];
  if (!orderBy) throw new Error(`unknown metric ${String(filters.metric)}`);
  const products = await db.query<ProductRow>(
    `WITH per_product AS (
       SELECT f.product_key AS stock_code,
              round(sum(f.line_total_gbp), 2)::DOUBLE AS revenue_gbp,
              round(coalesce(sum(f.line_total_gbp) FILTER (WHERE f.is_sale), 0), 2)::DOUBLE AS sales_gbp,
              coalesce(sum(f.quantity) FILTER (WHERE f.is_sale), 0)::DOUBLE AS units_sold,
              coalesce(-sum(f.quantity) FILTER (WHERE NOT f.is_sale), 0)::DOUBLE AS units_returned,
              count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale)::INTEGER AS orders,
              count(DISTINCT f.customer_key) FILTER (WHERE f.is_sale AND NOT f.is_guest)::INTEGER AS customers
       FROM gold.fact_sales AS f
       WHERE NOT f.is_non_product AND ${tsRange('f')} AND ${countryPredicate('f')}
       GROUP BY f.product_key
     )
     SELECT row_number() OVER (ORDER BY p.${orderBy} DESC, p.stock_code)::INTEGER AS rank, p.stock_code, d.description,
            p.revenue_gbp, p.sales_gbp, p.units_sold, p.units_returned, p.orders, p.customers
     FROM per_product AS p LEFT JOIN gold.dim_product AS d ON d.product_key = p.stock_code
     ORDER BY rank LIMIT $limit`,
    { ...tsParams(window), ...countryParam(filters), limit: Math.min(Math.max(1, filters.limit), TOP_PRODUCTS_MAX) },
  );
  return { window, country: filters.country ?? null, metric: filters.metric, products };
}
