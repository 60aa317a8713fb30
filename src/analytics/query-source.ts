/**
 * What every analytics query needs: something to run SQL on (the warehouse or the API's reader
 * pool), the date window and the optional country. Dates are ISO `YYYY-MM-DD`, inclusive.
 */
import type { DialectName, Row, SqlParams } from '../engine/index.js';

export interface QuerySource {
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** The engine behind it, where a feature exists on one engine only (the SQL console's guard). */
  readonly dialect?: DialectName;
  /** Names and types of what a SELECT returns, where the engine has no DESCRIBE (PostgreSQL). */
  describe?(sql: string): Promise<readonly { readonly name: string; readonly type: string }[]>;
}

export interface Filters {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Country name as in dim_country (e.g. `United Kingdom`) or its ISO 3166 alpha-2 code. */
  readonly country?: string | undefined;
}

export interface Window {
  readonly from: string;
  readonly to: string;
}

export interface DataBounds {
  readonly first_day: string | null;
  readonly last_day: string | null;
}

/** yyyymmdd integer key of an ISO date, as gold.dim_date.date_key. */
export const dateKey = (iso: string): number => Number(iso.slice(0, 10).replaceAll('-', ''));

const DAY_MS = 86_400_000;
export const toDate = (iso: string): Date => new Date(`${iso.slice(0, 10)}T00:00:00Z`);
export const isoDate = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (iso: string, days: number): string => isoDate(new Date(toDate(iso).getTime() + days * DAY_MS));
export const daysBetween = (from: string, to: string): number => Math.round((toDate(to).getTime() - toDate(from).getTime()) / DAY_MS);

export function addYears(iso: string, years: number): string {
  const d = toDate(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()));
  // 29 February a year earlier becomes 28 February, not 1 March.
  if (target.getUTCMonth() !== d.getUTCMonth()) target.setUTCDate(0);
  return isoDate(target);
}

export async function dataBounds(db: QuerySource): Promise<DataBounds> {
  const [row] = await db.query<DataBounds>('SELECT min(date)::VARCHAR AS first_day, max(date)::VARCHAR AS last_day FROM gold.dim_date');
  return row ?? { first_day: null, last_day: null };
}

/** Fills a missing `from`/`to` with the first/last day of the data (never the wall clock). */
export async function resolveWindow(db: QuerySource, filters: Filters): Promise<Window> {
  if (filters.from && filters.to) return { from: filters.from, to: filters.to };
  return resolveWindowWithin(await dataBounds(db), filters);
}

/** As resolveWindow, with the bounds already known (e.g. widened to the speed layer). */
export function resolveWindowWithin(bounds: DataBounds, filters: Filters): Window {
  return { from: filters.from ?? bounds.first_day ?? '1970-01-01', to: filters.to ?? bounds.last_day ?? '1970-01-01' };
}

/**
 * The window as a predicate on invoice_ts (half-open, so the last day is whole). Filtering on the
 * timestamp rather than date_key lets DuckDB skip row groups whether fact_sales is a table or a
 * view over silver. Pair it with `tsParams(window)`.
 */
export const tsRange = (alias: string): string => `${alias}.invoice_ts >= $t1::TIMESTAMP AND ${alias}.invoice_ts < $t2::TIMESTAMP`;
export const tsParams = (window: Window): { t1: string; t2: string } => ({ t1: `${window.from} 00:00:00`, t2: `${addDays(window.to, 1)} 00:00:00` });

/**
 * The country predicate over `alias.country_key`, true when no country is asked for. Pair it with
 * `countryParam(filters)`; the value is always bound, never spliced.
 */
export const countryPredicate = (alias: string): string =>
  `($country IS NULL OR ${alias}.country_key IN (SELECT country_key FROM gold.dim_country WHERE country = $country OR iso2 = upper($country)))`;

export const countryParam = (filters: Filters): { country: string | null } => ({ country: filters.country ?? null });

export type CountryScope = { readonly kind: 'all' } | { readonly kind: 'one'; readonly key: number } | { readonly kind: 'none' } | { readonly kind: 'several' };

/** Which countries a country filter names (a name or an ISO code may match several rows of dim_country). */
export async function countryScope(db: QuerySource, country: string | undefined): Promise<CountryScope> {
  if (!country) return { kind: 'all' };
  const keys = await db.query<{ country_key: number }>('SELECT country_key FROM gold.dim_country WHERE country = $country OR iso2 = upper($country)', { country });
  if (keys.length === 0) return { kind: 'none' };
  return keys.length === 1 ? { kind: 'one', key: keys[0]!.country_key } : { kind: 'several' };
}

/**
 * The customer id as the caller may see it: the real id, or a keyed pseudonym when `$pseudo_salt`
 * is bound (analysts). The same salt always gives the same pseudonym, so ids still join up.
 */
export const customerIdExpr = (column: string): string =>
  `CASE WHEN ${column} IS NULL OR ${column} < 0 THEN NULL WHEN $pseudo_salt IS NULL THEN ${column}::VARCHAR ELSE 'c_' || left(sha256($pseudo_salt || ${column}::VARCHAR), 16) END`;

export interface Visibility {
  /** Set for callers who must see pseudonymised customer ids. */
  readonly pseudonymSalt: string | null;
}
