/** PromQL found in the deploy files: rule expressions, dashboard targets, and the metric names they use. */
import { readOneYaml } from './deploy-files.js';

export interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export const RULE_FILES = ['prometheus/rules/strata-recording.yml', 'prometheus/rules/strata-alerts.yml'];
export const DASHBOARDS = ['grafana/dashboards/strata-system.json', 'grafana/dashboards/strata-business.json'];

export function rules(): Rule[] {
  return RULE_FILES.flatMap((file) => readOneYaml<{ groups: Array<{ rules: Rule[] }> }>(file).groups.flatMap((g) => g.rules));
}

/** Grafana's template variables replaced by values PromQL accepts, so the expression can be parsed. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, '.*');
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'le', 'inf', 'nan']);

/**
 * Metric names an expression selects: identifiers not followed by `(` (functions), outside label
 * matchers, quoted strings and `by (...)` lists. Histogram series map to their family name.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '[]');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    const name = match[1] ?? '';
    if (KEYWORDS.has(name.toLowerCase()) || /^\d/.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

/** The family a histogram or summary series belongs to (`x_bucket` -> `x`). */
export const family = (name: string): string => name.replace(/_(bucket|sum|count)$/, '');
