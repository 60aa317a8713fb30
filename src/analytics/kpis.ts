/**
 * Headline KPIs for a window, each with its change against the previous window of equal length
 * and against the same window a year earlier. Definitions follow gold.mart_daily_sales: revenue is
 * net of cancellations and returns; orders and AOV count sale invoices only. Read from the per-day
 * marts (sales-measures.ts), so a KPI call never scans the invoice lines. Time after gold's latest
 * invoice comes from the stream's speed layer (speed-view.ts), counted together with the marts.
 */
import {
  addDays,
  addYears,
  countryParam,
  dataBounds,
  dateKey,
  daysBetween,
  resolveWindowWithin,
  type Filters,
  type QuerySource,
  type Window,
} from './query-source.js';
import { martMeasures, measureColumns } from './sales-measures.js';
import { speedCoverage, speedCutParam, speedNote, speedTouches, widenBounds, type SpeedNote } from './speed-view.js';

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
  /** Where gold ends and whether the stream's speed layer filled in the time after it. */
  readonly speed_layer: SpeedNote;
}

const pctChange = (value: number | null, base: number | null): number | null =>
  value === null || base === null || base === 0 ? null : Math.round(((value - base) / Math.abs(base)) * 10_000) / 100;

function coverage(window: Window, first: string | null, last: string | null): KpiComparison['coverage'] {
  if (!first || !last || window.to < first || window.from > last) return 'none';
  return window.from >= first && window.to <= last ? 'full' : 'partial';
}

export async function kpis(db: QuerySource, filters: Filters): Promise<KpiReport> {
  const speed = await speedCoverage(db);
  const bounds = widenBounds(await dataBounds(db), speed);
  const window = resolveWindowWithin(bounds, filters);
  const length = daysBetween(window.from, window.to) + 1;
  const previous = { from: addDays(window.from, -length), to: addDays(window.from, -1) };
  const yearAgo = { from: addYears(window.from, -1), to: addYears(window.to, -1) };
  const periods = [['current', window], ['previous', previous], ['year_ago', yearAgo]] as const;
  const touched = periods.map(([, w]) => speedTouches(speed, w.from, w.to));
  const rows = await db.query<{ period: string } & KpiValues>(
    `WITH measured AS (${periods.map(([period], i) => martMeasures(() => `'${period}'`, [[`a${i}`, `b${i}`]], touched[i])).join(' UNION ALL ')})
     SELECT p.period, ${measureColumns('m')}
     FROM (VALUES ${periods.map(([period]) => `('${period}')`).join(', ')}) AS p (period)
     LEFT JOIN measured AS m ON m.bucket = p.period`,
    {
      a0: dateKey(window.from), b0: dateKey(window.to),
      a1: dateKey(previous.from), b1: dateKey(previous.to),
      a2: dateKey(yearAgo.from), b2: dateKey(yearAgo.to),
      ...countryParam(filters),
      ...(touched.some(Boolean) ? speedCutParam(speed) : {}),
    },
  );
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
  return {
    window,
    country: filters.country ?? null,
    previous_period: previousPeriod,
    year_ago_period: yearAgoPeriod,
    kpis: result,
    speed_layer: speedNote(speed, speedTouches(speed, window.from, window.to)),
  };
}
