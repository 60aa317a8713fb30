/**
 * Daily revenue forecast with 80% and 95% intervals, plus the method's error on held-out history
 * (the last `backtest_days` days forecast from the days before them), next to a seasonal-naive
 * baseline so the number has something to be compared with.
 */
import { dailySeries } from './daily-series.js';
import { fitHoltWinters, seasonalNaive } from './holt-winters.js';
import { addDays, type Filters, type QuerySource } from './query-source.js';
import { round } from './robust-stats.js';

export const FORECAST_METHOD = 'additive Holt-Winters, weekly season, damped trend, parameters by grid search on one-step error';
export const FORECAST_MAX_HORIZON = 90;

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
  /** Weighted absolute percentage error: sum |error| / sum |actual|. */
  readonly wape: number | null;
  readonly coverage_80: number | null;
  readonly coverage_95: number | null;
}

export interface ForecastReport {
  readonly method: string;
  readonly country: string | null;
  readonly history: { readonly from: string; readonly to: string; readonly days: number };
  readonly horizon: number;
  readonly parameters: { readonly alpha: number; readonly beta: number; readonly gamma: number; readonly phi: number; readonly sigma: number };
  readonly points: readonly ForecastPoint[];
  readonly backtest: BacktestError & { readonly baseline_seasonal_naive: Omit<BacktestError, 'coverage_80' | 'coverage_95'> };
}

const Z80 = 1.2816;
const Z95 = 1.96;

function intervals(fit: ReturnType<typeof fitHoltWinters>, steps: number): { mean: number; sd: number }[] {
  return fit.forecast(steps).map((mean, i) => ({ mean, sd: fit.sigma * Math.sqrt(1 + i * fit.alpha * fit.alpha) }));
}

function errors(actual: readonly number[], predicted: readonly number[]): Omit<BacktestError, 'coverage_80' | 'coverage_95'> {
  const abs = actual.map((a, i) => Math.abs(a - predicted[i]!));
  const sumActual = actual.reduce((s, a) => s + Math.abs(a), 0);
  return {
    days: actual.length,
    mae: round(abs.reduce((s, e) => s + e, 0) / actual.length),
    rmse: round(Math.sqrt(abs.reduce((s, e) => s + e * e, 0) / actual.length)),
    wape: sumActual > 0 ? round(abs.reduce((s, e) => s + e, 0) / sumActual, 4) : null,
  };
}

export async function forecastRevenue(db: QuerySource, filters: Filters & { readonly horizon: number; readonly backtest_days?: number }): Promise<ForecastReport> {
  const { window, days } = await dailySeries(db, filters);
  const y = days.map((d) => d.revenue_gbp);
  const horizon = Math.min(Math.max(1, Math.trunc(filters.horizon)), FORECAST_MAX_HORIZON);
  const holdout = Math.min(filters.backtest_days ?? 28, Math.max(0, y.length - 28));

  const fit = fitHoltWinters(y);
  const last = days[days.length - 1]?.date ?? window.to;
  const points = intervals(fit, horizon).map(({ mean, sd }, i) => ({
    date: addDays(last, i + 1),
    revenue_gbp: round(Math.max(0, mean)),
    lower_80: round(Math.max(0, mean - Z80 * sd)),
    upper_80: round(Math.max(0, mean + Z80 * sd)),
    lower_95: round(Math.max(0, mean - Z95 * sd)),
    upper_95: round(Math.max(0, mean + Z95 * sd)),
  }));

  const train = y.slice(0, y.length - holdout);
  const actual = y.slice(y.length - holdout);
  const backFit = fitHoltWinters(train);
  const backIntervals = intervals(backFit, holdout);
  const predicted = backIntervals.map((p) => Math.max(0, p.mean));
  const covered = (z: number): number | null =>
    holdout ? round(actual.filter((a, i) => Math.abs(a - backIntervals[i]!.mean) <= z * backIntervals[i]!.sd).length / holdout, 4) : null;

  return {
    method: FORECAST_METHOD,
    country: filters.country ?? null,
    history: { from: window.from, to: last, days: y.length },
    horizon,
    parameters: { alpha: fit.alpha, beta: fit.beta, gamma: fit.gamma, phi: fit.phi, sigma: round(fit.sigma) },
    points,
    backtest: {
      ...errors(actual, predicted),
      coverage_80: covered(Z80),
      coverage_95: covered(Z95),
      baseline_seasonal_naive: errors(actual, seasonalNaive(train, holdout)),
    },
  };
}
