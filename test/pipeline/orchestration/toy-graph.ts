/** A small asset graph for pure tests: dim -> fact -> mart, and other, all over quality_silver. */
import { buildAssetGraph, type AssetGraph, type Model } from '../../../src/pipeline/index.js';

const model = (name: string, sql: string, checks: Model['checks'] = []): Model => {
  const dependsOn = [...sql.matchAll(/\bgold\.([a-z_]+)/g)].map((m) => m[1]!).filter((d) => d !== name);
  return { name, layer: 'gold', sql, description: name, materialized: 'table', key: ['key'], checks, dependsOn: [...new Set(dependsOn)] };
};

export function toyModels(): Model[] {
  return [
    model('dim', 'SELECT 1 AS key'),
    model('fact', 'SELECT key, 2 AS amount FROM gold.dim', [
      { kind: 'not_null', columns: ['key'], severity: 'error' },
      { kind: 'expression', name: 'positive', violation: 'amount <= 0', severity: 'error' },
    ]),
    model('mart', 'SELECT key, sum(amount) AS total FROM gold.fact GROUP BY key'),
    model('other', 'SELECT 3 AS key'),
  ];
}

export const toyGraph = (): AssetGraph => buildAssetGraph(toyModels());
