/**
 * What a rule watches, as series: one label set each, with the current value and (for SQL rules
 * with a `period` column) its own history. SQL goes through the SQL console's guard (a single
 * SELECT, relations only from the allowed schemas, no table functions or files); metrics come
 * from a prom-client registry.
 */
import type { Registry } from 'prom-client';
import { CONSOLE_MAX_ROWS, runConsoleQuery, type QuerySource } from '../analytics/index.js';
import { StrataError, describeError } from '../shared/index.js';
import type { AlertSource } from './alert-config.js';

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly current: number | null;
  /** Earlier values, oldest first; null when the source has no history of its own (metrics). */
  readonly history: readonly number[] | null;
}

/** Label columns that would put personal data into notifications. */
const PERSONAL = new Set(['customer_id', 'customer_key', 'customer', 'email']);

const num = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
};

const comparePeriods = (a: unknown, b: unknown): number => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)));

export async function sqlSeries(db: QuerySource, sql: string, schemas: readonly string[]): Promise<Series[]> {
  const result = await runConsoleQuery(db, { sql, limit: CONSOLE_MAX_ROWS, allowPersonal: true, schemas });
  const names = result.columns.map((c) => c.name);
  if (!names.includes('value')) throw new StrataError('STRATA_ERR_ALERT_RULE', `the query must return a value column (it returns ${names.join(', ')})`);
  const personal = names.find((n) => PERSONAL.has(n.toLowerCase()));
  if (personal) throw new StrataError('STRATA_ERR_ALERT_RULE', `the query returns ${personal}: alert labels must not carry personal data`);
  if (result.truncated) throw new StrataError('STRATA_ERR_ALERT_RULE', `the query returns more than ${CONSOLE_MAX_ROWS} rows`);
  const labelNames = names.filter((n) => n !== 'value' && n !== 'period');
  const groups = new Map<string, { labels: Record<string, string>; rows: Record<string, unknown>[] }>();
  for (const row of result.rows) {
    const labels = Object.fromEntries(labelNames.map((n) => [n, row[n] === null || row[n] === undefined ? '' : String(row[n])]));
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  const hasPeriod = names.includes('period');
  return [...groups.values()].map(({ labels, rows }) => {
    if (!hasPeriod) return { labels, current: num(rows.at(-1)?.['value']), history: null };
    const ordered = [...rows].sort((a, b) => comparePeriods(a['period'], b['period']));
    const values = ordered.map((r) => num(r['value']));
    return { labels, current: values.at(-1) ?? null, history: values.slice(0, -1).filter((v): v is number => v !== null) };
  });
}

export async function metricSeries(registry: Registry, source: Extract<AlertSource, { kind: 'metric' }>): Promise<Series[]> {
  const metrics = await registry.getMetricsAsJSON();
  const sums = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const metric of metrics) {
    for (const sample of metric.values) {
      const sampleName = (sample as { metricName?: string }).metricName ?? metric.name;
      if (sampleName !== source.name) continue;
      const labels = Object.fromEntries(Object.entries(sample.labels).map(([k, v]) => [k, String(v)]));
      if (!Object.entries(source.match).every(([k, v]) => labels[k] === v)) continue;
      const kept = Object.fromEntries(source.by.map((l) => [l, labels[l] ?? '']));
      const key = JSON.stringify(kept);
      const entry = sums.get(key) ?? { labels: kept, value: 0 };
      entry.value += sample.value;
      sums.set(key, entry);
    }
  }
  return [...sums.values()].map((s) => ({ labels: s.labels, current: s.value, history: null }));
}

export async function seriesOf(source: AlertSource, deps: { readonly db: QuerySource; readonly registry?: Registry | undefined; readonly schemas: readonly string[] }): Promise<Series[]> {
  try {
    if (source.kind === 'sql') return await sqlSeries(deps.db, source.sql, deps.schemas);
    if (!deps.registry) throw new StrataError('STRATA_ERR_ALERT_RULE', 'metric rules need a metrics registry');
    return await metricSeries(deps.registry, source);
  } catch (error) {
    if (error instanceof StrataError && error.code === 'STRATA_ERR_ALERT_RULE') throw error;
    throw new StrataError('STRATA_ERR_ALERT_RULE', describeError(error), { cause: error });
  }
}
