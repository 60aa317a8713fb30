/**
 * The SQL console, lineage and the run button: read-only over silver and gold, no file access,
 * analysts kept away from customer ids, and the engine's own error for a bad query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestRole } from './helpers/api-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 300_000);
afterAll(async () => h?.close());

const query = (sql: string, role: TestRole = 'analyst', limit?: number) =>
  h.inject({ method: 'POST', url: '/api/v1/query', headers: { authorization: `Bearer ${h.tokens[role]}` }, payload: { sql, ...(limit ? { limit } : {}) } });

describe('POST /api/v1/query', () => {
  it('answers a SELECT over a mart with columns, types, rows and the duration', async () => {
    const r = await query('SELECT country, revenue_gbp FROM gold.mart_country_sales ORDER BY revenue_gbp DESC LIMIT 3');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.columns).toEqual([{ name: 'country', type: 'VARCHAR' }, { name: 'revenue_gbp', type: 'DECIMAL(18,2)' }]);
    const expected = await h.sql('SELECT country, revenue_gbp FROM gold.mart_country_sales ORDER BY revenue_gbp DESC LIMIT 3');
    expect(body.rows).toEqual(expected);
    expect(body).toMatchObject({ row_count: 3, truncated: false });
    expect(body.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('allows CTEs and caps the rows it returns', async () => {
    const r = await query('WITH d AS (SELECT * FROM gold.mart_daily_sales) SELECT date, orders FROM d ORDER BY date', 'analyst', 10);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ row_count: 10, truncated: true });
  });

  it('keeps analysts away from relations holding customer ids, but not engineers', async () => {
    const analyst = await query('SELECT customer_id FROM silver.transactions LIMIT 1');
    expect(analyst.statusCode).toBe(403);
    expect(analyst.json().error.message).toMatch(/silver\.transactions hold customer ids/);
    const engineer = await query('SELECT count(DISTINCT customer_id)::INTEGER AS n FROM silver.transactions', 'engineer');
    expect(engineer.statusCode, engineer.body).toBe(200);
    expect(engineer.json().rows).toEqual(await h.sql('SELECT count(DISTINCT customer_id)::INTEGER AS n FROM silver.transactions'));
  });

  it('is closed to viewers and to anonymous callers', async () => {
    expect((await query('SELECT 1 AS x', 'viewer')).statusCode).toBe(403);
    expect((await h.inject({ method: 'POST', url: '/api/v1/query', payload: { sql: 'SELECT 1' } })).statusCode).toBe(401);
  });

  const refused: [string, string][] = [
    ['a DELETE', 'DELETE FROM silver.transactions'],
    ['two statements', 'SELECT 1; SELECT 2'],
    ['reading the server secret through a table function', "SELECT * FROM read_text('api-secret.key')"],
    ['reading a file by path', "SELECT * FROM 'api-secret.key'"],
    ['reading a file inside a subquery', "SELECT (SELECT count(*) FROM read_csv('/etc/passwd')) AS n"],
    ['a glob of the data folder', "SELECT * FROM glob('*')"],
    ['bronze, quality and meta tables', 'SELECT * FROM meta.runs'],
    ['the users table', 'SELECT * FROM api.users'],
    ['another database', 'SELECT * FROM other.main.t'],
    ['system catalogues', 'SELECT * FROM duckdb_settings()'],
  ];
  for (const [what, sql] of refused) {
    it(`refuses ${what} with a JSON error`, async () => {
      const r = await query(sql, 'admin');
      expect([400, 403]).toContain(r.statusCode);
      expect(r.json().error.code).toMatch(/^STRATA_ERR_/);
      expect(r.body).not.toMatch(/\n\s+at /);
    });
  }

  it("shows the engine's error for a query that does not bind", async () => {
    const r = await query('SELECT no_such_column FROM gold.mart_daily_sales');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/no_such_column/);
  });

  it('leaves the data unchanged', async () => {
    const [row] = await h.sql<{ n: number }>('SELECT count(*)::INTEGER AS n FROM silver.transactions');
    expect(row!.n).toBeGreaterThan(500_000);
  });
});

describe('GET /api/v1/lineage', () => {
  it('draws sources to bronze to silver to every gold model, with model dependencies and column lineage', async () => {
    const r = await h.get('/api/v1/lineage', 'engineer');
    expect(r.statusCode, r.body).toBe(200);
    const ids = r.data.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(expect.arrayContaining(['sources', 'bronze.transactions_raw', 'silver.transactions', 'gold.fact_sales', 'gold.mart_customer_rfm']));
    expect(r.data.edges).toEqual(expect.arrayContaining([{ from: 'silver.transactions', to: 'gold.fact_sales' }, { from: 'gold.fact_sales', to: 'gold.mart_daily_sales' }]));
    const rfm = r.data.columns.find((m: { asset: string }) => m.asset === 'gold.mart_customer_rfm');
    expect(rfm.columns).toContainEqual({ column: 'monetary_gbp', transform: 'derived', sources: [{ relation: 'gold.fact_sales', column: 'line_total_gbp' }] });
    expect((await h.get('/api/v1/lineage', 'analyst')).statusCode).toBe(403);
  });
});

describe('POST /api/v1/runs', () => {
  it('lets an engineer start a run, recorded in the run history', async () => {
    const before = (await h.get('/api/v1/runs', 'engineer')).data.runs.length;
    const r = await h.inject({ method: 'POST', url: '/api/v1/runs', headers: { authorization: `Bearer ${h.tokens.engineer}` } });
    expect(r.statusCode, r.body).toBe(202);
    await h.app.strata.runner.run({ inputs: [], command: 'wait' });
    const runs = (await h.get('/api/v1/runs', 'engineer')).data.runs;
    expect(runs.length).toBeGreaterThanOrEqual(before + 1);
    expect(runs.some((run: { command: string; status: string }) => run.command === 'api' && run.status === 'succeeded')).toBe(true);
    expect((await h.inject({ method: 'POST', url: '/api/v1/runs', headers: { authorization: `Bearer ${h.tokens.analyst}` } })).statusCode).toBe(403);
  });
});
