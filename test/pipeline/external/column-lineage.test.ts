/** Column lineage from DuckDB's parse tree: table-driven cases, the project's gold models, and the CLI. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../../src/engine/index.js';
import { columnLineage, loadGoldModels, projectColumnLineage, type ModelColumnLineage } from '../../../src/pipeline/index.js';
import { modelsDir } from '../../../src/shared/index.js';
import { runCli, tempDir } from '../../helpers/cli.js';

let engine: Warehouse;
beforeAll(async () => {
  engine = await openWarehouse({ path: ':memory:' });
  await engine.execute(`CREATE SCHEMA silver; CREATE TABLE silver.t (k INTEGER, x INTEGER, y INTEGER, c VARCHAR); CREATE SCHEMA lookup; CREATE TABLE lookup.d (k INTEGER, label VARCHAR)`);
});
afterAll(() => engine.close());

const flat = (m: ModelColumnLineage): Record<string, string> =>
  Object.fromEntries(m.columns.map((c) => [c.column, `${c.transform}: ${c.sources.map((s) => `${s.relation}.${s.column}`).join(' ')}`]));

const CASES: readonly { name: string; sql: string; expected: Record<string, string> }[] = [
  {
    name: 'follows a CTE chain, telling copies from computed columns',
    sql: `WITH a AS (SELECT x, y + 1 AS z, c FROM silver.t), b AS (SELECT x AS renamed, z, upper(c) AS cu FROM a) SELECT renamed, z::BIGINT AS z, cu, 42 AS answer FROM b`,
    expected: { renamed: 'copy: silver.t.x', z: 'derived: silver.t.y', cu: 'derived: silver.t.c', answer: 'constant: ' },
  },
  {
    name: 'resolves qualified names through aliases, joins and USING',
    sql: `SELECT t.x, k, d.label, t.c || d.label AS both FROM silver.t AS t JOIN lookup.d AS d USING (k)`,
    expected: { x: 'copy: silver.t.x', k: 'derived: lookup.d.k silver.t.k', label: 'copy: lookup.d.label', both: 'derived: lookup.d.label silver.t.c' },
  },
  {
    name: 'expands * and r.* from the catalog, minus EXCLUDE',
    sql: `SELECT * EXCLUDE (y, c), r.label FROM silver.t JOIN lookup.d AS r ON r.k = t.k`,
    expected: { k: 'copy: silver.t.k', x: 'copy: silver.t.x', label: 'copy: lookup.d.label' },
  },
  {
    name: 'counts what aggregates, FILTERs, windows and subqueries read; not WHERE or GROUP BY',
    sql: `SELECT c, sum(x) FILTER (WHERE y > 0) AS s, rank() OVER (ORDER BY sum(x)) AS r, count(*) AS n, (SELECT max(label) FROM lookup.d) AS top FROM silver.t WHERE k > 1 GROUP BY c`,
    expected: { c: 'copy: silver.t.c', s: 'derived: silver.t.x silver.t.y', r: 'derived: silver.t.x', n: 'derived: ', top: 'derived: lookup.d.label' },
  },
  {
    name: 'merges the sides of a set operation by position',
    sql: `SELECT x AS v, c FROM silver.t UNION ALL SELECT k, label FROM lookup.d`,
    expected: { v: 'derived: lookup.d.k silver.t.x', c: 'derived: lookup.d.label silver.t.c' },
  },
];

describe('column lineage', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const [model] = await columnLineage(engine, [{ name: 'm', sql: c.sql }]);
      expect(flat(model!)).toEqual(c.expected);
      expect(model!.unresolved).toEqual([]);
    });
  }

  it('uses an upstream model’s own lineage as its catalog, and reports what it cannot resolve', async () => {
    const [, down] = await columnLineage(engine, [
      { name: 'up', sql: 'SELECT k, x * 2 AS doubled FROM silver.t' },
      { name: 'down', sql: 'SELECT u.*, nowhere.q, missing FROM gold.up AS u, silver.nowhere' },
    ]);
    expect(flat(down!)).toMatchObject({ k: 'copy: gold.up.k', doubled: 'copy: gold.up.doubled' });
    expect(down!.unresolved).toEqual(expect.arrayContaining(['relation silver.nowhere', 'nowhere.q', 'missing']));
  });

  it('derives every column of every gold model from named upstream columns', async () => {
    const models = loadGoldModels(path.join(modelsDir(), 'gold'));
    const lineage = await projectColumnLineage(models);
    expect(lineage.map((m) => m.asset).sort()).toEqual(models.map((m) => `gold.${m.name}`).sort());
    for (const m of lineage) expect(m.unresolved, m.asset).toEqual([]);
    const of = (asset: string, column: string) => lineage.find((m) => m.asset === asset)!.columns.find((c) => c.column === column);
    expect(of('gold.fact_sales', 'country_key')).toEqual({ column: 'country_key', transform: 'copy', sources: [{ relation: 'gold.dim_country', column: 'country_key' }] });
    expect(of('gold.fact_sales', 'is_sale')!.sources.map((s) => s.column)).toEqual(['is_cancellation', 'quantity']);
    expect(of('gold.dim_country', 'iso2')).toMatchObject({ transform: 'derived', sources: [{ relation: 'reference.countries', column: 'iso2' }] });
    expect(of('gold.mart_customer_rfm', 'r_score')).toMatchObject({ transform: 'derived', sources: [{ relation: 'gold.fact_sales', column: 'invoice_ts' }, { relation: 'gold.fact_sales', column: 'is_sale' }] });
    expect(of('gold.mart_daily_sales', 'revenue_gbp')!.sources).toEqual([{ relation: 'gold.fact_sales', column: 'line_total_gbp' }]);
  });
});

describe('strata lineage with columns', () => {
  const scratch = tempDir('strata-lineage-');
  afterAll(() => scratch.cleanup());

  it('adds each gold column’s sources to the JSON, and draws them with --columns', async () => {
    const json = await runCli(['lineage', 'mart_daily_sales', '--format', 'json'], { dataDir: scratch.dir });
    expect(json.code, json.stderr).toBe(0);
    const mart = json.json.assets.find((a: { key: string }) => a.key === 'gold.mart_daily_sales');
    expect(mart.columns).toContainEqual({ column: 'orders', transform: 'derived', sources: [{ relation: 'gold.fact_sales', column: 'invoice_no' }, { relation: 'gold.fact_sales', column: 'is_sale' }] });
    expect(json.json.assets.find((a: { key: string }) => a.key === 'ingest').columns).toBeUndefined();

    const mermaid = await runCli(['lineage', 'gold.fact_sales', '--columns'], { dataDir: scratch.dir });
    expect(mermaid.code, mermaid.stderr).toBe(0);
    expect(mermaid.stdout).toContain('subgraph silver_transactions["silver.transactions"]');
    expect(mermaid.stdout).toContain('gold_dim_country__country_key --> gold_fact_sales__country_key');
    expect(mermaid.stdout).toContain('silver_transactions__quantity -.-> gold_fact_sales__is_sale');
  });
});
