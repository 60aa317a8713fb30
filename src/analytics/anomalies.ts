/**
 * Days whose revenue or orders break from the expected pattern. Expected value: the median of the
 * same weekday over the four weeks before and after (so weekly rhythm and seasonal drift are
 * absorbed); score: the robust z-score of the residual, 0.6745 x (r - median r) / MAD r. Weekdays
 * the shop never trades on in the window (Saturdays in the demo data) are left out.
 */
import { dailySeries, type DailyPoint } from './daily-series.js';
import type { Filters, QuerySource, Window } from './query-source.js';
import { mad, median, round } from './robust-stats.js';

export const ANOMALY_METHOD = 'robust z-score of residuals from the same-weekday median of the surrounding +/-4 weeks (MAD-scaled)';
export const ANOMALY_METRICS = ['revenue_gbp', 'orders'] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

export interface Anomaly {
  readonly date: string;
  readonly metric: AnomalyMetric;
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

/** Pure detector over a daily series, exported for unit tests. */
export function detectAnomalies(days: readonly DailyPoint[], metric: AnomalyMetric, threshold: number): { examined: number; anomalies: Anomaly[] } {
  const tradingDows = new Set(days.filter((d) => d.orders > 0).map((d) => d.iso_dow));
  const series = days.filter((d) => tradingDows.has(d.iso_dow));
  const byDow = new Map<number, DailyPoint[]>();
  for (const d of series) byDow.set(d.iso_dow, [...(byDow.get(d.iso_dow) ?? []), d]);
  const expected = new Map<string, number>();
  for (const sameDay of byDow.values()) {
    sameDay.forEach((d, i) => {
      const neighbours = [...sameDay.slice(Math.max(0, i - 4), i), ...sameDay.slice(i + 1, i + 5)].map((n) => n[metric]);
      if (neighbours.length >= 2) expected.set(d.date, median(neighbours));
    });
  }
  const scored = series.filter((d) => expected.has(d.date)).map((d) => ({ d, residual: d[metric] - expected.get(d.date)! }));
  const residuals = scored.map((s) => s.residual);
  const centre = median(residuals);
  const spread = mad(residuals);
  if (!(spread > 0)) return { examined: scored.length, anomalies: [] };
  const anomalies = scored
    .map(({ d, residual }) => ({ d, residual, score: (0.6745 * (residual - centre)) / spread }))
    .filter((s) => Math.abs(s.score) >= threshold)
    .map(({ d, residual, score }) => ({
      date: d.date,
      metric,
      value: d[metric],
      expected: round(expected.get(d.date)!),
      residual: round(residual),
      score: round(score),
      direction: score > 0 ? ('spike' as const) : ('drop' as const),
    }));
  return { examined: scored.length, anomalies };
}

export async function anomalies(db: QuerySource, filters: Filters & { readonly threshold: number; readonly metric?: AnomalyMetric | undefined }): Promise<AnomalyReport> {
  const { window, days } = await dailySeries(db, filters);
  const metrics = filters.metric ? [filters.metric] : ANOMALY_METRICS;
  let examined = 0;
  const found: Anomaly[] = [];
  for (const metric of metrics) {
    const result = detectAnomalies(days, metric, filters.threshold);
    examined = Math.max(examined, result.examined);
    found.push(...result.anomalies);
  }
  found.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.date.localeCompare(b.date));
  return { window, country: filters.country ?? null, method: ANOMALY_METHOD, threshold: filters.threshold, days_examined: examined, anomalies: found };
}
