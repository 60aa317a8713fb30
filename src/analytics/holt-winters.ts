/**
 * Additive Holt-Winters with a damped trend and a weekly season, fitted by a small grid search on
 * one-step-ahead squared error. Pure; the series is tiny (about 370 days), so JS is fine.
 */
export interface HoltWintersFit {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly sse: number;
  /** Standard deviation of the one-step-ahead errors. */
  readonly sigma: number;
  forecast(steps: number): number[];
}

const PERIOD = 7;

function run(y: readonly number[], alpha: number, beta: number, gamma: number, phi: number): { sse: number; n: number; level: number; trend: number; season: number[] } {
  const first = y.slice(0, PERIOD);
  const second = y.slice(PERIOD, 2 * PERIOD);
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  let level = mean(first);
  let trend = second.length === PERIOD ? (mean(second) - mean(first)) / PERIOD : 0;
  const season = first.map((v) => v - level);
  let sse = 0;
  let n = 0;
  for (let t = PERIOD; t < y.length; t++) {
    const s = season[t % PERIOD]!;
    const predicted = level + phi * trend + s;
    const error = y[t]! - predicted;
    sse += error * error;
    n++;
    const previousLevel = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (previousLevel + phi * trend);
    trend = beta * (level - previousLevel) + (1 - beta) * phi * trend;
    season[t % PERIOD] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  return { sse, n, level, trend, season };
}

export function fitHoltWinters(y: readonly number[]): HoltWintersFit {
  if (y.length < 2 * PERIOD + 2) throw new Error('need at least two weeks of history to forecast');
  let best: { alpha: number; beta: number; gamma: number; phi: number; sse: number } | null = null;
  for (const alpha of [0.05, 0.1, 0.2, 0.3, 0.5]) {
    for (const beta of [0, 0.02, 0.05, 0.1]) {
      for (const gamma of [0.05, 0.1, 0.2, 0.3]) {
        for (const phi of [0.8, 0.9, 0.98]) {
          const { sse } = run(y, alpha, beta, gamma, phi);
          if (!best || sse < best.sse) best = { alpha, beta, gamma, phi, sse };
        }
      }
    }
  }
  const { alpha, beta, gamma, phi, sse } = best!;
  const state = run(y, alpha, beta, gamma, phi);
  const sigma = Math.sqrt(sse / Math.max(1, state.n - 1));
  return {
    alpha, beta, gamma, phi, sse, sigma,
    forecast(steps) {
      const out: number[] = [];
      let damp = 0;
      for (let h = 1; h <= steps; h++) {
        damp += phi ** h;
        out.push(state.level + damp * state.trend + state.season[(y.length + h - 1) % PERIOD]!);
      }
      return out;
    },
  };
}

/** Seasonal naive: each day repeats the same weekday of the last observed week. */
export function seasonalNaive(y: readonly number[], steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => y[y.length - PERIOD + (i % PERIOD)] ?? 0);
}
