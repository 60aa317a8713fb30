/**
 * Typed calls to each API route the dashboard uses. Bodies arrive as `unknown` and are checked for
 * the fields the views read before they are trusted (a wrong shape is an error state, not a crash).
 */
import { ApiError, apiGet, apiPost, type Params } from './client';
import type {
  AlertsReport,
  AnomalyReport,
  ChurnReport,
  CohortMatrix,
  CountryReport,
  CustomerDetail,
  ForecastReport,
  HealthScoreReport,
  Grain,
  KpiReport,
  Lineage,
  ProductMetric,
  QualityBatch,
  QualityRule,
  QualityTotals,
  QuarantineRow,
  RunRow,
  SalesPage,
  SearchResult,
  SegmentReport,
  SqlResult,
  Timeseries,
} from './types';

export interface WindowFilters {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly country?: string | null | undefined;
}

/** Throws when `body` is not an object carrying each of `arrays` as an array and `objects` as objects. */
function expect<T>(body: unknown, what: string, arrays: readonly string[], objects: readonly string[] = []): T {
  const bad = (why: string): ApiError => new ApiError(502, 'STRATA_WEB_UNEXPECTED_RESPONSE', `unexpected ${what} response: ${why}`);
  if (!body || typeof body !== 'object') throw bad('not an object');
  const b = body as Record<string, unknown>;
  for (const key of arrays) if (!Array.isArray(b[key])) throw bad(`no ${key} list`);
  for (const key of objects) if (!b[key] || typeof b[key] !== 'object') throw bad(`no ${key}`);
  return body as T;
}

const windowParams = (f: WindowFilters): Params => ({ from: f.from, to: f.to, country: f.country ?? undefined });

export const getKpis = async (f: WindowFilters, signal?: AbortSignal): Promise<KpiReport> =>
  expect(await apiGet('/kpis', windowParams(f), signal), 'kpis', [], ['kpis', 'window', 'previous_period']);

export const getTimeseries = async (f: WindowFilters & { readonly grain: Grain }, signal?: AbortSignal): Promise<Timeseries> =>
  expect(await apiGet('/sales/timeseries', { ...windowParams(f), grain: f.grain }, signal), 'timeseries', ['points']);

export const getCountries = async (f: Omit<WindowFilters, 'country'>, signal?: AbortSignal): Promise<CountryReport> =>
  expect(await apiGet('/countries', { from: f.from, to: f.to }, signal), 'countries', ['countries']);

export const getTopProducts = async (f: WindowFilters & { readonly metric: ProductMetric; readonly limit: number }, signal?: AbortSignal) =>
  expect<import('./types').TopProducts>(await apiGet('/products/top', { ...windowParams(f), metric: f.metric, limit: f.limit }, signal), 'products', ['products']);

export const searchProducts = async (q: string, limit: number, signal?: AbortSignal): Promise<SearchResult> =>
  expect(await apiGet('/search/products', { q, limit }, signal), 'search', ['hits']);

export const getSegments = async (f: WindowFilters, signal?: AbortSignal): Promise<SegmentReport> =>
  expect(await apiGet('/customers/segments', windowParams(f), signal), 'segments', ['segments']);

export const getCohorts = async (f: WindowFilters, signal?: AbortSignal): Promise<CohortMatrix> =>
  expect(await apiGet('/cohorts', windowParams(f), signal), 'cohorts', ['cohorts']);

export const getChurn = async (f: { readonly as_of?: string | undefined; readonly country?: string | null | undefined }, signal?: AbortSignal): Promise<ChurnReport> =>
  expect(await apiGet('/churn', { as_of: f.as_of, country: f.country ?? undefined }, signal), 'churn', ['bands']);

export const getCustomer = async (id: string, signal?: AbortSignal): Promise<CustomerDetail> =>
  expect(await apiGet(`/customers/${encodeURIComponent(id)}`, {}, signal), 'customer', ['monthly', 'top_products'], ['totals']);

export const getSalesLines = async (f: WindowFilters & { readonly limit: number; readonly sort?: string; readonly order?: 'asc' | 'desc' }, signal?: AbortSignal): Promise<SalesPage> =>
  expect(await apiGet('/sales', { ...windowParams(f), limit: f.limit, sort: f.sort, order: f.order }, signal), 'sales', ['lines']);

export const getAnomalies = async (f: WindowFilters & { readonly threshold: number }, signal?: AbortSignal): Promise<AnomalyReport> =>
  expect(await apiGet('/anomalies', { ...windowParams(f), threshold: f.threshold }, signal), 'anomalies', ['anomalies']);

export const getForecast = async (f: WindowFilters & { readonly horizon: number }, signal?: AbortSignal): Promise<ForecastReport> =>
  expect(await apiGet('/forecast', { ...windowParams(f), horizon: f.horizon }, signal), 'forecast', ['points'], ['backtest', 'history']);

export interface QualityReport {
  readonly totals: QualityTotals;
  readonly batches: readonly QualityBatch[];
  readonly rules: readonly QualityRule[];
  readonly quarantine: readonly { readonly rule_id: string; readonly reason: string; readonly rows: number; readonly example_file: string; readonly example_line: number }[];
}

export const getQuality = async (limit: number, signal?: AbortSignal): Promise<QualityReport> =>
  expect(await apiGet('/quality', { limit }, signal), 'quality', ['batches', 'rules', 'quarantine'], ['totals']);

export const getQuarantine = async (f: { readonly rule_id?: string | undefined; readonly batch_id?: string | undefined; readonly limit: number; readonly offset: number }, signal?: AbortSignal) =>
  expect<{ readonly total: number; readonly rows: readonly QuarantineRow[] }>(await apiGet('/quality/quarantine', f, signal), 'quarantine', ['rows']);

export interface RunWithSteps extends RunRow {
  readonly steps?: readonly { readonly step: string; readonly status: string; readonly duration_ms: number | null; readonly rows_in: number | null; readonly rows_out: number | null; readonly error: string | null }[];
}

export const getRuns = async (limit: number, signal?: AbortSignal) =>
  expect<{ readonly busy?: boolean; readonly runs: readonly RunWithSteps[] }>(await apiGet('/runs', { limit }, signal), 'runs', ['runs']);

export const startRun = async (): Promise<unknown> => apiPost('/runs', {});

export const getHealthScore = async (signal?: AbortSignal): Promise<HealthScoreReport> =>
  expect(await apiGet('/health/score', {}, signal), 'health score', [], ['areas']);

export const getAlerts = async (limit: number, signal?: AbortSignal): Promise<AlertsReport> =>
  expect(await apiGet('/alerts', { limit }, signal), 'alerts', ['active', 'rules', 'history']);

export const getLineage = async (signal?: AbortSignal): Promise<Lineage> => expect(await apiGet('/lineage', {}, signal), 'lineage', ['nodes', 'edges']);

export const runSql = async (sql: string, limit: number, signal?: AbortSignal): Promise<SqlResult> =>
  expect(await apiPost('/query', { sql, limit }, signal), 'query', ['rows']);

let countryNames: Promise<readonly string[]> | null = null;
/** Every country in the data, by revenue (for the country filter). */
export function getCountryNames(): Promise<readonly string[]> {
  countryNames ??= getCountries({}).then(
    (report) => report.countries.map((c) => c.country),
    (error: unknown) => {
      countryNames = null;
      throw error;
    },
  );
  return countryNames;
}
