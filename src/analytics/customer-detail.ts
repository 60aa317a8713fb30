/** One customer: profile, totals, RFM scores, monthly activity and favourite products. */
import { StrataError } from '../shared/index.js';
import { customerIdExpr, type QuerySource, type Visibility } from './query-source.js';

export interface CustomerDetail {
  readonly customer_id: string;
  readonly country: string | null;
  readonly first_invoice_ts: string | null;
  readonly last_invoice_ts: string | null;
  readonly totals: { readonly revenue_gbp: number; readonly sales_gbp: number; readonly returns_gbp: number; readonly orders: number; readonly units: number; readonly lines: number };
  readonly rfm: { readonly recency_days: number; readonly frequency: number; readonly monetary_gbp: number; readonly r_score: number; readonly f_score: number; readonly m_score: number; readonly segment: string; readonly as_of_date: string } | null;
  readonly monthly: readonly { readonly month: string; readonly revenue_gbp: number; readonly orders: number }[];
  readonly top_products: readonly { readonly stock_code: string; readonly description: string | null; readonly revenue_gbp: number; readonly units: number }[];
}

/**
 * Finds the customer key behind an id as the caller knows it: the real numeric id, or (for
 * callers who see pseudonyms) the pseudonym. Null when there is no such customer.
 */
export async function resolveCustomerKey(db: QuerySource, id: string, visibility: Visibility): Promise<number | null> {
  if (visibility.pseudonymSalt === null && !/^\d{1,12}$/.test(id)) return null;
  if (visibility.pseudonymSalt !== null && !/^c_[0-9a-f]{16}$/.test(id)) return null;
  const rows = await db.query<{ customer_key: number }>(
    `SELECT customer_key::DOUBLE AS customer_key FROM gold.dim_customer
     WHERE customer_key >= 0 AND ${customerIdExpr('customer_key')} = $id`,
    { id, pseudo_salt: visibility.pseudonymSalt },
  );
  return rows[0]?.customer_key ?? null;
}

export async function customerDetail(db: QuerySource, id: string, visibility: Visibility): Promise<CustomerDetail> {
  const key = await resolveCustomerKey(db, id, visibility);
  if (key === null) throw new StrataError('STRATA_ERR_NOT_FOUND', 'no customer with this id', { details: { parameter: 'id' } });
  const params = { key, pseudo_salt: visibility.pseudonymSalt };
  const [profile] = await db.query<Pick<CustomerDetail, 'customer_id' | 'country' | 'first_invoice_ts' | 'last_invoice_ts'>>(
    `SELECT ${customerIdExpr('customer_key')} AS customer_id, country, first_invoice_ts::VARCHAR AS first_invoice_ts, last_invoice_ts::VARCHAR AS last_invoice_ts
     FROM gold.dim_customer WHERE customer_key = $key`,
    params,
  );
  const [totals] = await db.query<CustomerDetail['totals']>(
    `SELECT round(coalesce(sum(line_total_gbp), 0), 2)::DOUBLE AS revenue_gbp,
            round(coalesce(sum(line_total_gbp) FILTER (WHERE is_sale), 0), 2)::DOUBLE AS sales_gbp,
            round(coalesce(-sum(line_total_gbp) FILTER (WHERE NOT is_sale), 0), 2)::DOUBLE AS returns_gbp,
            count(DISTINCT invoice_no) FILTER (WHERE is_sale)::INTEGER AS orders,
            coalesce(sum(quantity) FILTER (WHERE is_sale), 0)::DOUBLE AS units,
            count(*)::INTEGER AS lines
     FROM gold.fact_sales WHERE customer_key = $key`,
    { key },
  );
  const [rfm] = await db.query<NonNullable<CustomerDetail['rfm']>>(
    `SELECT recency_days, frequency, monetary_gbp::DOUBLE AS monetary_gbp, r_score, f_score, m_score, segment, as_of_date::VARCHAR AS as_of_date
     FROM gold.mart_customer_rfm WHERE customer_id = $key`,
    { key },
  );
  const monthly = await db.query<CustomerDetail['monthly'][number]>(
    `SELECT date_trunc('month', invoice_ts)::DATE::VARCHAR AS month, round(sum(line_total_gbp), 2)::DOUBLE AS revenue_gbp,
            count(DISTINCT invoice_no) FILTER (WHERE is_sale)::INTEGER AS orders
     FROM gold.fact_sales WHERE customer_key = $key GROUP BY 1 ORDER BY 1`,
    { key },
  );
  const topProducts = await db.query<CustomerDetail['top_products'][number]>(
    `SELECT f.product_key AS stock_code, any_value(p.description) AS description,
            round(sum(f.line_total_gbp), 2)::DOUBLE AS revenue_gbp, coalesce(sum(f.quantity) FILTER (WHERE f.is_sale), 0)::DOUBLE AS units
     FROM gold.fact_sales AS f LEFT JOIN gold.dim_product AS p USING (product_key)
     WHERE f.customer_key = $key AND NOT f.is_non_product
     GROUP BY f.product_key ORDER BY revenue_gbp DESC, stock_code LIMIT 10`,
    { key },
  );
  return { ...profile!, totals: totals!, rfm: rfm ?? null, monthly, top_products: topProducts };
}
