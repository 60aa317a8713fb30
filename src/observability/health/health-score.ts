/**
 * The health score: one figure (0-100) per area and overall, each with its inputs and formula so
 * an operator can redo the arithmetic. Pure: inputs in, scores out (the inputs are read by
 * readHealthInputs). An area without inputs (no runs yet, no traffic) has score null and does not
 * count towards the overall figure.
 *
 * - pipeline: 100 x (succeeded + 0.5 x partial) / finished runs, over the last 20 finished runs.
 * - freshness: per asset 100 while its age <= max age, falling linearly to 0 at 2 x max age;
 *   the area is its stalest asset (the minimum).
 * - quality: 100 x (rows - quarantined - 0.25 x warned) / rows over the last 20 processed
 *   batches: the batch score of docs/architecture.md, weighted by rows.
 * - api: 100 x (1 - min(1, 5xx share / 5%)) over the last 15 minutes of requests (probes
 *   excluded): no server errors is 100, 5% or more is 0.
 * - overall: the mean of the areas that have a score. Status: ok >= 90, degraded >= 70, else critical.
 */
export interface HealthInputs {
  readonly runs: { readonly finished: number; readonly succeeded: number; readonly partial: number; readonly failed: number };
  readonly assets: readonly { readonly asset: string; readonly ageSeconds: number }[];
  readonly maxAgeSeconds: number;
  readonly batches: { readonly count: number; readonly rows: number; readonly quarantined: number; readonly warned: number };
  readonly api: { readonly requests: number; readonly serverErrors: number; readonly windowSeconds: number };
}

export type HealthStatus = 'ok' | 'degraded' | 'critical' | 'unknown';

export interface AreaScore {
  readonly score: number | null;
  readonly status: HealthStatus;
  readonly formula: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

export interface HealthScore {
  readonly score: number | null;
  readonly status: HealthStatus;
  readonly formula: string;
  readonly areas: { readonly pipeline: AreaScore; readonly freshness: AreaScore; readonly quality: AreaScore; readonly api: AreaScore };
}

export const API_ERROR_BUDGET = 0.05;
const round1 = (n: number): number => Math.round(n * 10) / 10;
export const statusOf = (score: number | null): HealthStatus => (score === null ? 'unknown' : score >= 90 ? 'ok' : score >= 70 ? 'degraded' : 'critical');
const area = (score: number | null, formula: string, inputs: Record<string, unknown>): AreaScore => {
  const s = score === null ? null : round1(Math.max(0, Math.min(100, score)));
  return { score: s, status: statusOf(s), formula, inputs };
};

/** Score of one asset of the given age: 100 up to max age, 0 at twice it. */
export const freshnessOf = (ageSeconds: number, maxAgeSeconds: number): number => (ageSeconds <= maxAgeSeconds ? 100 : Math.max(0, 100 * (1 - (ageSeconds - maxAgeSeconds) / maxAgeSeconds)));

export function healthScore(inputs: HealthInputs): HealthScore {
  const { runs, batches, api } = inputs;
  const pipeline = area(runs.finished ? (100 * (runs.succeeded + 0.5 * runs.partial)) / runs.finished : null, '100 x (succeeded + 0.5 x partial) / finished, last 20 finished runs', { ...runs });
  const perAsset = inputs.assets.map((a) => ({ asset: a.asset, age_seconds: Math.round(a.ageSeconds), score: round1(freshnessOf(a.ageSeconds, inputs.maxAgeSeconds)) }));
  const freshness = area(perAsset.length ? Math.min(...perAsset.map((a) => a.score)) : null, 'min over assets of: 100 if age <= max age, else 100 x (1 - (age - max age) / max age), floored at 0', {
    max_age_seconds: inputs.maxAgeSeconds,
    assets: perAsset,
  });
  const quality = area(batches.rows ? (100 * (batches.rows - batches.quarantined - 0.25 * batches.warned)) / batches.rows : null, '100 x (rows - quarantined - 0.25 x warned) / rows, last 20 processed batches', { ...batches });
  const share = api.requests ? api.serverErrors / api.requests : null;
  const apiArea = area(share === null ? null : 100 * (1 - Math.min(1, share / API_ERROR_BUDGET)), `100 x (1 - min(1, 5xx share / ${API_ERROR_BUDGET * 100}%)), last ${api.windowSeconds / 60} minutes, probes excluded`, {
    requests: api.requests,
    server_errors: api.serverErrors,
    window_seconds: api.windowSeconds,
    server_error_share: share,
  });
  const areas = { pipeline, freshness, quality, api: apiArea };
  const scored = Object.values(areas).flatMap((a) => (a.score === null ? [] : [a.score]));
  const overall = scored.length ? round1(scored.reduce((s, n) => s + n, 0) / scored.length) : null;
  return { score: overall, status: statusOf(overall), formula: 'mean of the area scores that are not null; ok >= 90, degraded >= 70, else critical', areas };
}
