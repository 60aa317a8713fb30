/**
 * Headline KPIs for a window, each with its change against the previous window of equal length
 * and against the same window a year earlier. Definitions follow gold.mart_daily_sales: revenue is
 * net of cancellations and returns; orders and AOV count sale invoices only.
 */
import {
  addDays,
  addYears,
  countryParam,
  countryPredicate,
  dataBounds,
  daysBetween,
  resolveWindow,
  type Filters,
  type QuerySource,
  type Window,
} from './query-source.js';

export const KPI_NAMES = ['revenue_gbp', 'orders', 'customers', 'avg_order_value_gbp', 'units', 'return_rate'] as const;
export type KpiName = (typeof KPI_NAMES)[number];
type KpiValues = Record<KpiName, number | null>;

export interface KpiComparison {
  readonly from: string;
  readonly to: string;
  /** Whether the comparison window holds any data at all, or only part of it overlaps the data. */
  readonly coverage: 'full' | 'partial' | 'none';
}

export interface Kpi {
  readonly value: number | null;
  readonly previous: number | null;
  readonly change_vs_previous_pct: number | null;
  readonly year_ago: number | null;
  readonly change_vs_year_ago_pct: number | null;
}

export interface KpiReport {
  readonly window: Window;
  readonly country: string | null;
  readonly previous_period: KpiComparison;
  readonly year_ago_period: KpiComparison;
  readonly kpis: Readonly<Record<KpiName, Kpi>>;
}

/** Aggregates for several labelled windows in one scan. */
export const KPI_SELECT = `
    round(coalesce(sum(f.line_total_gbp), 0), 2)::DOUBLE AS revenue_gbp,
    count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale)::INTEGER AS orders,
    count(DISTINCT f.customer_key) FILTER (WHERE f.is_sale AND NOT f.is_guest)::INTEGER AS customers,
    CASE WHEN count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale) > 0
         THEN round(sum(f.line_total_gbp) FILTER (WHERE f.is_sale) / count(DISTINCT f.invoice_no) FILTER (WHERE f.is_sale), 2) END::DOUBLE AS avg_order_value_gbp,
    coalesce(sum(f.quantity) FILTER (WHERE f.is_sale), 0)::DOUBLE AS units,
    CASE WHEN sum(f.line_total_gbp) FILTER (WHERE f.is_sale) > 0
         THEN round(coalesce(-sum(f.line_total_gbp) FILTER (WHERE NOT f.is_sale), 0) / sum(f.line_total_gbp) FILTER (WHERE f.is_sale), 4) END::DOUBLE AS return_rate`;

const pctChange = (value: number | null, base: number | null): number | null =>
  value === null || base === null || base === 0 ? null : Math.round(((value - base) / Math.abs(base)) * 10_000) / 100;

function coverage(window: Window, first: string | null, last: string | null): KpiComparison['coverage'] {
  if (!first || !last || window.to < first || window.from > last) return 'none';
  return window.from >= first && window.to <= last ? 'full' : 'partial';
}

export async function kpis(db: QuerySource, filters: Filters): Promise<KpiReport> {
  const window = await resolveWindow(db, filters);
  const length = daysBetween(window.from, window.to) + 1;
  const previous = { from: addDays(window.from, -length), to: addDays(window.from, -1) };
  const yearAgo = { from: addYears(window.from, -1), to: addYears(window.to, -1) };
  const rows = await db.query<{ period: string } & KpiValues>(
    `${(['current', 'previous', 'year_ago'] as const)
      .map((period, i) => `SELECT '${period}' AS period, ${KPI_SELECT} FROM gold.fact_sales AS f WHERE f.invoice_ts >= $a${i}::TIMESTAMP AND f.invoice_ts < $b${i}::TIMESTAMP AND ${countryPredicate('f')}`)
      .join(' UNION ALL ')}`,
    {
      a0: `${window.from} 00:00:00`, b0: `${addDays(window.to, 1)} 00:00:00`,
      a1: `${previous.from} 00:00:00`, b1: `${addDays(previous.to, 1)} 00:00:00`,
      a2: `${yearAgo.from} 00:00:00`, b2: `${addDays(yearAgo.to, 1)} 00:00:00`,
      ...countryParam(filters),
    },
  );
  const bounds = await dataBounds(db);
  const previousPeriod = { ...previous, coverage: coverage(previous, bounds.first_day, bounds.last_day) };
  const yearAgoPeriod = { ...yearAgo, coverage: coverage(yearAgo, bounds.first_day, bounds.last_day) };
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const valueOf = (period: string, comparison: KpiComparison | null, name: KpiName): number | null =>
    comparison?.coverage === 'none' ? null : (byPeriod.get(period)?.[name] ?? null);

  const result = {} as Record<KpiName, Kpi>;
  for (const name of KPI_NAMES) {
    const value = valueOf('current', null, name);
    const prev = valueOf('previous', previousPeriod, name);
    const year = valueOf('year_ago', yearAgoPeriod, name);
    result[name] = { value, previous: prev, change_vs_previous_pct: pctChange(value, prev), year_ago: year, change_vs_year_ago_pct: pctChange(value, year) };
  }
  return { window, country: filters.country ?? null, previous_period: previousPeriod, year_ago_period: yearAgoPeriod, kpis: result };
}
