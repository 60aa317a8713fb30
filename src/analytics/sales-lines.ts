/**
 * Transaction lines, filtered, sorted by an allow-listed field and paged by keyset: the cursor
 * carries the last row's sort value and its source key (batch, line), so page N costs what page 1
 * does and no line is skipped or repeated between pages.
 */
import { StrataError } from '../shared/index.js';
import type { SqlValue } from '../engine/index.js';
import { customerIdExpr, resolveWindow, tsParams, tsRange, type Filters, type QuerySource, type Visibility, type Window } from './query-source.js';

/** Allow-list: sort name -> column and the type its cursor value is cast back to. */
const SORTS = {
  invoice_ts: { column: 'f.invoice_ts', type: 'TIMESTAMP' },
  line_total_gbp: { column: 'f.line_total_gbp', type: 'DECIMAL(18, 4)' },
  quantity: { column: 'f.quantity', type: 'INTEGER' },
  unit_price_gbp: { column: 'f.unit_price_gbp', type: 'DECIMAL(18, 4)' },
} as const;

export const SALES_SORTS = Object.keys(SORTS) as readonly SalesSort[];
export type SalesSort = keyof typeof SORTS;
export const SALES_PAGE_MAX = 1000;

export interface SalesQuery extends Filters {
  readonly sort: SalesSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly stock_code?: string | undefined;
  readonly invoice_no?: string | undefined;
}

export interface SalesLine {
  /** `<batch_id>:<source_line>`: where the line came from, and its stable key. */
  readonly line_id: string;
  readonly invoice_no: string;
  readonly invoice_ts: string;
  readonly customer_id: string | null;
  readonly stock_code: string;
  readonly description: string | null;
  readonly quantity: number;
  readonly unit_price_gbp: number;
  readonly line_total_gbp: number;
  readonly country: string;
  readonly is_sale: boolean;
  readonly is_cancellation: boolean;
  readonly is_return: boolean;
}

export interface SalesPage {
  readonly window: Window;
  readonly sort: SalesSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly lines: readonly SalesLine[];
  readonly next_cursor: string | null;
}

interface Cursor {
  readonly s: SalesSort;
  readonly o: 'asc' | 'desc';
  readonly v: string;
  readonly b: string;
  readonly l: number;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(text: string, sort: SalesSort, order: 'asc' | 'desc'): Cursor {
  const bad = (why: string): StrataError => new StrataError('STRATA_ERR_BAD_REQUEST', `cursor: ${why}`, { details: { parameter: 'cursor' } });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor returned by this endpoint');
  }
  const c = value as Partial<Cursor> | null;
  if (!c || typeof c !== 'object' || typeof c.v !== 'string' || typeof c.b !== 'string' || typeof c.l !== 'number' || !Number.isSafeInteger(c.l)) throw bad('not a cursor returned by this endpoint');
  if (c.s !== sort || c.o !== order) throw bad('it belongs to a different sort or order; start again without a cursor');
  return c as Cursor;
}

export async function salesLines(db: QuerySource, query: SalesQuery, visibility: Visibility): Promise<SalesPage> {
  const window = await resolveWindow(db, query);
  const sort = SORTS[query.sort];
  if (!sort) throw new StrataError('STRATA_ERR_BAD_REQUEST', `sort must be one of ${SALES_SORTS.join(', ')}`, { details: { parameter: 'sort' } });
  const limit = Math.min(Math.max(1, Math.trunc(query.limit)), SALES_PAGE_MAX);
  const dir = query.order === 'desc' ? 'DESC' : 'ASC';
  const cmp = query.order === 'desc' ? '<' : '>';
  const cursor = query.cursor ? decodeCursor(query.cursor, query.sort, query.order) : null;
  // Only the filters asked for reach the SQL (each a fixed fragment; values always bound), so the
  // scan evaluates no always-true predicates. The keyset bound is also given as a plain range on
  // the sort column, which DuckDB applies inside the scan: page N sorts only what is left.
  const conditions = [tsRange('f')];
  const params: Record<string, SqlValue> = { ...tsParams(window), pseudo_salt: visibility.pseudonymSalt, limit_plus_one: limit + 1 };
  if (query.country) {
    conditions.push(`f.country_key IN (SELECT country_key FROM gold.dim_country WHERE country = $country OR iso2 = upper($country))`);
    params['country'] = query.country;
  }
  if (query.stock_code) {
    conditions.push('f.product_key = $stock_code');
    params['stock_code'] = query.stock_code;
  }
  if (query.invoice_no) {
    conditions.push('f.invoice_no = $invoice_no');
    params['invoice_no'] = query.invoice_no;
  }
  if (query.customer_id) {
    conditions.push(`${customerIdExpr('f.customer_key')} = $customer_id`);
    params['customer_id'] = query.customer_id;
  }
  if (cursor) {
    conditions.push(`${sort.column} ${cmp}= $cursor_value::${sort.type}`);
    conditions.push(`(${sort.column} ${cmp} $cursor_value::${sort.type} OR (${sort.column} = $cursor_value::${sort.type} AND (f.batch_id, f.source_line) ${cmp} ($cursor_batch, $cursor_line)))`);
    Object.assign(params, { cursor_value: cursor.v, cursor_batch: cursor.b, cursor_line: cursor.l });
  }
  const rows = await db.query<SalesLine & { sort_value: string; batch_id: string; source_line: number }>(
    `WITH page AS (
       SELECT f.*
       FROM gold.fact_sales AS f
       WHERE ${conditions.join(' AND ')}
       ORDER BY ${sort.column} ${dir}, f.batch_id ${dir}, f.source_line ${dir}
       LIMIT $limit_plus_one
     )
     SELECT f.batch_id || ':' || f.source_line AS line_id, f.batch_id, f.source_line::DOUBLE AS source_line, f.invoice_no, f.invoice_ts::VARCHAR AS invoice_ts, ${customerIdExpr('f.customer_key')} AS customer_id,
            f.product_key AS stock_code, p.description, f.quantity,
            f.unit_price_gbp::DOUBLE AS unit_price_gbp, f.line_total_gbp::DOUBLE AS line_total_gbp,
            c.country, f.is_sale, f.is_cancellation, f.is_return,
            ${sort.column}::VARCHAR AS sort_value
     FROM page AS f
     JOIN gold.dim_country AS c USING (country_key)
     LEFT JOIN gold.dim_product AS p USING (product_key)
     ORDER BY ${sort.column} ${dir}, f.batch_id ${dir}, f.source_line ${dir}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? encodeCursor({ s: query.sort, o: query.order, v: last.sort_value, b: last.batch_id, l: last.source_line }) : null;
  return {
    window,
    sort: query.sort,
    order: query.order,
    limit,
    lines: page.map(({ sort_value: _sort, batch_id: _batch, source_line: _line, ...line }) => line),
    next_cursor: next,
  };
}
