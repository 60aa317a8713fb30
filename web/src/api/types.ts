/** Response shapes of the API (mirroring src/analytics and the OpenAPI document at /openapi.json). */
export interface Window {
  readonly from: string;
  readonly to: string;
}

export const KPI_NAMES = ['revenue_gbp', 'orders', 'customers', 'avg_order_value_gbp', 'return_rate', 'units'] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export interface Kpi {
  readonly value: number | null;
  readonly previous: number | null;
  readonly change_vs_previous_pct: number | null;
  readonly year_ago: number | null;
  readonly change_vs_year_ago_pct: number | null;
}

export interface KpiComparison extends Window {
  readonly coverage: 'full' | 'partial' | 'none';
}

export interface KpiReport {
  readonly window: Window;
  readonly country: string | null;
  readonly previous_period: KpiComparison;
  readonly year_ago_period: KpiComparison;
  readonly kpis: Readonly<Record<KpiName, Kpi>>;
}

export const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
export type Grain = (typeof GRAINS)[number];

export interface TimeseriesPoint {
  readonly period_start: string;
  readonly first_day: string;
  readonly last_day: string;
  readonly revenue_gbp: number;
  readonly orders: number;
  readonly customers: number;
  readonly avg_order_value_gbp: number | null;
  readonly units: number;
  readonly return_rate: number | null;
}

export interface Timeseries {
  readonly window: Window;
  readonly grain: Grain;
  readonly country: string | null;
  readonly points: readonly TimeseriesPoint[];
}

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

export const PRODUCT_METRICS = ['revenue', 'units', 'customers'] as const;
export type ProductMetric = (typeof PRODUCT_METRICS)[number];

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

export interface SearchHit {
  readonly stock_code: string;
  readonly description: string | null;
  readonly score: number;
  readonly revenue_gbp: number | null;
}

export interface SearchResult {
  readonly query: string;
  readonly method: string;
  readonly hits: readonly SearchHit[];
}

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

export interface CohortRow {
  readonly cohort_month: string;
  readonly cohort_size: number;
  readonly active_customers: readonly number[];
  readonly retention: readonly number[];
}

export interface CohortMatrix {
  readonly window: Window;
  readonly country: string | null;
  readonly max_months: number;
  readonly cohorts: readonly CohortRow[];
}

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

export interface CustomerDetail {
  readonly customer_id: string;
  readonly country: string | null;
  readonly first_invoice_ts: string | null;
  readonly last_invoice_ts: string | null;
  readonly totals: { readonly revenue_gbp: number; readonly sales_gbp: number; readonly returns_gbp: number; readonly orders: number; readonly units: number; readonly lines: number };
  readonly rfm: {
    readonly recency_days: number;
    readonly frequency: number;
    readonly monetary_gbp: number;
    readonly r_score: number;
    readonly f_score: number;
    readonly m_score: number;
    readonly segment: string;
    readonly as_of_date: string;
  } | null;
  readonly monthly: readonly { readonly month: string; readonly revenue_gbp: number; readonly orders: number }[];
  readonly top_products: readonly { readonly stock_code: string; readonly description: string | null; readonly revenue_gbp: number; readonly units: number }[];
}

export interface SalesLine {
  readonly sales_key: number;
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
  readonly lines: readonly SalesLine[];
  readonly next_cursor: string | null;
}

export interface Anomaly {
  readonly date: string;
  readonly metric: 'revenue_gbp' | 'orders';
  readonly value: number;
  readonly expected: number;
  readonly residual: number;
  readonly score: number;
  readonly direction: 'spike' | 'drop';
}

export interface AnomalyReport {
  readonly window: Window;
  readonly country: string | null;
  readonly method: string;
  readonly threshold: number;
  readonly days_examined: number;
  readonly anomalies: readonly Anomaly[];
}

export interface ForecastPoint {
  readonly date: string;
  readonly revenue_gbp: number;
  readonly lower_80: number;
  readonly upper_80: number;
  readonly lower_95: number;
  readonly upper_95: number;
}

export interface BacktestError {
  readonly days: number;
  readonly mae: number;
  readonly rmse: number;
  readonly wape: number | null;
}

export interface ForecastReport {
  readonly method: string;
  readonly country: string | null;
  readonly history: { readonly from: string; readonly to: string; readonly days: number };
  readonly horizon: number;
  readonly points: readonly ForecastPoint[];
  readonly backtest: BacktestError & { readonly coverage_80: number | null; readonly coverage_95: number | null; readonly baseline_seasonal_naive: BacktestError };
}

export interface QualityBatch {
  readonly batch_id: string;
  readonly file_name: string;
  readonly rows_in: number;
  readonly rows_quarantined: number;
  readonly rows_warned: number;
  readonly duplicates_removed: number;
  readonly quality_score: number | null;
  readonly loaded_at?: string | null;
}

export interface QualityRule {
  readonly rule_id: string;
  readonly severity: string;
  readonly target: string;
  readonly rows_checked: number;
  readonly rows_failed: number;
  readonly batches_failed: number;
}

export interface QuarantineRow {
  readonly batch_id: string;
  readonly file: string;
  readonly line: number;
  readonly rule_id: string;
  readonly column_name: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly quarantined_at: string;
}

export interface QualityTotals {
  readonly batches: number;
  readonly rows_in: number;
  readonly rows_to_silver: number;
  readonly rows_quarantined: number;
  readonly rows_warned: number;
  readonly duplicates_removed: number;
  readonly average_score: number | null;
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'interrupted' | 'queued';

export interface RunRow {
  readonly run_id: string;
  readonly command: string;
  readonly status: RunStatus;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly duration_ms: number | null;
  readonly error: string | null;
  readonly summary: unknown;
}

export interface LineageNode {
  readonly id: string;
  readonly layer: string;
  readonly description?: string | null;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
}

export interface Lineage {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

export interface SqlColumn {
  readonly name: string;
  readonly type?: string | null;
}

export interface SqlResult {
  readonly columns: readonly SqlColumn[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly row_count: number;
  readonly truncated: boolean;
  readonly duration_ms: number;
}

export type HealthStatus = 'ok' | 'degraded' | 'critical' | 'unknown';

export interface HealthArea {
  readonly score: number | null;
  readonly status: HealthStatus;
  readonly formula: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export type HealthAreaName = 'pipeline' | 'freshness' | 'quality' | 'api';

export interface HealthScoreReport {
  readonly as_of: string;
  readonly score: number | null;
  readonly status: HealthStatus;
  readonly formula: string;
  readonly areas: Readonly<Record<HealthAreaName, HealthArea>>;
}

export interface ActiveAlert {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: 'pending' | 'firing';
  readonly since: string | null;
  readonly fired_at: string | null;
  readonly value: number | null;
  readonly summary: string | null;
}

export interface AlertRule {
  readonly name: string;
  readonly severity: string;
  readonly source: string;
  readonly condition: string;
  readonly for_seconds: number;
}

export interface AlertEvent {
  readonly event_id: number;
  readonly occurred_at: string;
  readonly rule: string;
  readonly severity: string | null;
  readonly kind: string;
  readonly value: number | null;
  readonly summary: string | null;
}

export interface AlertsReport {
  readonly active: readonly ActiveAlert[];
  readonly rules: readonly AlertRule[];
  readonly history: readonly AlertEvent[];
}
