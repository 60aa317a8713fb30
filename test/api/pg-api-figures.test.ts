/**
 * The API on PostgreSQL answers exactly what it answers on DuckDB for the same data. The same real
 * Online Retail days go through the whole pipeline (runPipeline, as `strata run`) once on embedded
 * DuckDB and once on the real PostgreSQL (a database of its own); then each engine gets the API as
 * `strata serve` wires it (the writer, a reader pool selected by the URL, file access locked down)
 * and every analytics endpoint is asked the same questions on both. The answers must be equal,
 * to the cent (the DuckDB answers themselves are proved against SQL over gold in
 * analytics-figures.test.ts). Only what is not a figure (run ids, timestamps, durations) is set aside.
 *
 * Data: the first 60 by-day files of the real export (2010-12-01 .. 2011-02-17, about 95,000 rows;
 * STRATA_PG_API_DAYS=N takes N), which keeps the PostgreSQL load to about half a minute.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../src/api/auth/index.js';
import { buildApp, deriveSecrets, loadApiSettings } from '../../src/api/index.js';
import { openReaderPool, type ReaderPool, type Warehouse } from '../../src/engine/index.js';
import { modelsDir } from '../../src/shared/index.js';
import { realDataDir, tempDir } from '../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres.js';
import { runOnBothEngines, type Engine } from '../helpers/both-engines.js';

const pgSkip = await postgresUnavailable();
const days = Number(process.env['STRATA_PG_API_DAYS'] ?? 60);
const inputs = readdirSync(realDataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, days).map((f) => path.join(realDataDir, f));
const PASSWORD = 'correct horse battery staple';
const ROLES = { viewer: 'vera', analyst: 'anna', engineer: 'eric', admin: 'ada' } as const;
type Role = keyof typeof ROLES;

/** The server log's error lines (the engine's message stays there, not in the response). */
const serverErrors: string[] = [];
const errorLog = { write: (line: string) => void serverErrors.push(line) };

interface Served {
  warehouse: Warehouse;
  pool: ReaderPool;
  app: FastifyInstance;
  tokens: Record<Role, string>;
  notes: readonly string[];
  loadMs: number;
}

/** Values that are not figures: ids and clocks of the runs that built each warehouse. */
const VOLATILE = /(^|_)(id|ids|at|ms|ts)$|^(started|finished|created|updated|generated|last_run|evaluated|occurred)|duration|elapsed|age_seconds|^batch$|run_id|batch_id|^as_of$/;
function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, VOLATILE.test(k) && (typeof v === 'string' || typeof v === 'number') ? '<volatile>' : scrub(v)]));
  }
  return value;
}

describe.skipIf(pgSkip !== null)(`the API on PostgreSQL equals the API on DuckDB (${inputs.length} real days)`, () => {
  const dirs = tempDir('strata-pg-api-');
  let db: TestDatabase;
  const served: Partial<Record<Engine, Served>> = {};
  const secrets = deriveSecrets('test-secret-that-is-long-enough-for-hs256-0123456789');

  beforeAll(async () => {
    db = await createTestDatabase();
    for await (const { engine, config, warehouse, result, ms: loadMs } of runOnBothEngines(dirs.dir, db.url, { inputs, command: 'demo' })) {
      const dataDir = config.dataDir;
      expect(result.error).toBeNull();
      // As startServer opens it: the URL picks the engine.
      const pool = await openReaderPool({ path: config.warehousePath, url: config.warehouseUrl, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit, connections: 3, defaultTimeoutMs: 30_000 });
      const notes = await pool.lockDown([dataDir, modelsDir()].map((d) => `${path.resolve(d)}${path.sep}`));
      const app = await buildApp({ reader: pool, writer: warehouse, config, secrets, logger: { level: 'error', stream: errorLog }, settings: loadApiSettings({ rateLimitMax: 100_000, loginRateLimitMax: 10_000 }, {}) });
      const tokens = {} as Record<Role, string>;
      for (const [role, user] of Object.entries(ROLES) as [Role, string][]) {
        await addUser(pool, user, PASSWORD, role);
        const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: PASSWORD } });
        if (login.statusCode !== 200) throw new Error(`${engine}: login as ${user} failed: ${login.body}`);
        tokens[role] = login.json().access_token;
      }
      served[engine] = { warehouse, pool, app, tokens, notes, loadMs };
    }
    console.log(`pg-api: ${inputs.length} files: pipeline DuckDB ${served.duckdb!.loadMs} ms, PostgreSQL ${served.postgres!.loadMs} ms`);
  }, 600_000);

  afterAll(async () => {
    for (const s of Object.values(served)) {
      await s.app.close();
      await s.pool.close();
      await s.warehouse.close();
    }
    await db?.drop();
    dirs.cleanup();
  });

  const ask = async (engine: Engine, url: string, role: Role, payload?: unknown) => {
    const s = served[engine]!;
    const response = await s.app.inject({ method: payload ? 'POST' : 'GET', url, headers: { authorization: `Bearer ${s.tokens[role]}` }, ...(payload ? { payload: payload as object } : {}) });
    return { status: response.statusCode, body: response.headers['content-type']?.toString().includes('json') ? (response.json() as unknown) : response.body };
  };

  /** The endpoint answers 200 on both engines, with equal bodies; returns the PostgreSQL body. */
  async function same(url: string, role: Role = 'viewer', payload?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- shapes vary by route
    serverErrors.length = 0;
    const [duck, pg] = [await ask('duckdb', url, role, payload), await ask('postgres', url, role, payload)];
    const logged = () => serverErrors.map((l) => { const e = JSON.parse(l) as { err?: { message?: string; details?: { sql?: string } } }; return `${e.err?.message} in ${e.err?.details?.sql?.slice(0, 1500)}`; }).join('\n');
    expect(duck.status, `DuckDB ${url}: ${JSON.stringify(duck.body).slice(0, 300)} ${logged()}`).toBe(200);
    expect(pg.status, `PostgreSQL ${url}: ${JSON.stringify(pg.body).slice(0, 300)} ${logged()}`).toBe(200);
    expect(scrub(pg.body), url).toEqual(scrub(duck.body));
    return pg.body;
  }

  describe('Overview and Sales', () => {
    it.each([
      '/api/v1/kpis',
      '/api/v1/kpis?from=2011-01-01&to=2011-01-31',
      '/api/v1/kpis?from=2010-12-10&to=2011-02-05&country=France',
      '/api/v1/kpis?from=2011-01-04&to=2011-02-17&country=GB',
      '/api/v1/kpis?from=2010-12-01&to=2010-12-31&country=Atlantis',
    ])('%s', async (url) => {
      const body = await same(url);
      if (!url.includes('Atlantis')) expect(body.kpis.revenue_gbp.value).toBeGreaterThan(0);
    });

    it.each(['day', 'week', 'month', 'quarter'])('timeseries by %s, whole data, a cut window, one country and a country of several rows', async (grain) => {
      for (const query of ['', '&from=2010-12-15&to=2011-02-10', '&country=United%20Kingdom', '&from=2010-12-06&to=2011-02-13&country=Germany', '&country=EIRE']) {
        const body = await same(`/api/v1/sales/timeseries?grain=${grain}${query}`);
        expect(body.points.length).toBeGreaterThan(0);
      }
    });

    it('countries', async () => {
      const body = await same('/api/v1/countries');
      expect(body.countries.length).toBeGreaterThan(10);
    });

    it.each(['revenue', 'units', 'customers'])('top products by %s', async (metric) => {
      const body = await same(`/api/v1/products/top?metric=${metric}&limit=25`);
      expect(body.products).toHaveLength(25);
    });

    it('sales lines: a page sorted by line total, the next page by its cursor, and one invoice as an analyst', async () => {
      const first = await same('/api/v1/sales?from=2011-01-10&to=2011-01-12&sort=line_total_gbp&order=desc&limit=40', 'engineer');
      expect(first.lines).toHaveLength(40);
      await same(`/api/v1/sales?from=2011-01-10&to=2011-01-12&sort=line_total_gbp&order=desc&limit=40&cursor=${first.next_cursor}`, 'engineer');
      await same('/api/v1/sales?invoice_no=536365&sort=invoice_ts&order=asc', 'analyst');
    });

    it('product search', async () => {
      const body = await same('/api/v1/search/products?q=lantrn%20hart');
      expect(body.hits.length).toBeGreaterThan(0);
    });
  });

  describe('customers, insights, operations', () => {
    it.each([
      ['/api/v1/customers/segments', 'viewer'],
      ['/api/v1/customers/segments?from=2011-01-01&to=2011-02-17', 'viewer'],
      ['/api/v1/cohorts', 'viewer'],
      ['/api/v1/churn', 'viewer'],
      ['/api/v1/churn?as_of=2011-02-01', 'viewer'],
      ['/api/v1/customers/12347', 'engineer'],
      ['/api/v1/customers/17850', 'engineer'],
      ['/api/v1/customers/12347/export', 'admin'],
      ['/api/v1/anomalies?metric=revenue_gbp&threshold=2', 'viewer'],
      ['/api/v1/anomalies?metric=orders&country=United%20Kingdom&threshold=2', 'viewer'],
      ['/api/v1/forecast?horizon=14', 'viewer'],
      ['/api/v1/quality', 'viewer'],
      ['/api/v1/quality/quarantine?limit=500', 'engineer'],
      ['/api/v1/runs', 'engineer'],
      ['/api/v1/realtime', 'viewer'],
      ['/api/v1/health/score', 'viewer'],
      ['/api/v1/alerts', 'engineer'],
      ['/api/v1/lineage', 'engineer'],
    ] as const)('%s', async (url, role) => {
      await same(url, role);
    });

    it('alerts: an evaluation stores the same states on both engines, and a silence is created, listed and ended', async () => {
      for (const engine of ['duckdb', 'postgres'] as const) {
        const evaluated = await ask(engine, '/api/v1/alerts/evaluate', 'engineer', {});
        expect(evaluated.status, `${engine}: ${JSON.stringify(evaluated.body).slice(0, 300)}`).toBe(200);
      }
      // SQL rules run through the console's guard on both engines: the same states and history.
      const [duckAlerts, pgAlerts] = [(await ask('duckdb', '/api/v1/alerts', 'engineer')).body as any, (await ask('postgres', '/api/v1/alerts', 'engineer')).body as any]; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shape
      expect(pgAlerts.rules).toEqual(duckAlerts.rules);
      expect(pgAlerts.active).toEqual(duckAlerts.active);
      expect(pgAlerts.rules.filter((r: { source: string }) => r.source === 'sql').length).toBeGreaterThan(0);
      expect(pgAlerts.history.filter((e: { kind: string }) => e.kind === 'rule_error')).toEqual([]);
      expect(scrub(pgAlerts.history)).toEqual(scrub(duckAlerts.history));
      const silence = { matchers: { rule: 'stale_asset' }, comment: 'maintenance', duration_seconds: 600 };
      const ids: Partial<Record<Engine, string>> = {};
      for (const engine of ['duckdb', 'postgres'] as const) {
        const s = served[engine]!;
        const created = await s.app.inject({ method: 'POST', url: '/api/v1/alerts/silences', headers: { authorization: `Bearer ${s.tokens.engineer}` }, payload: silence });
        expect(created.statusCode, created.body).toBe(201);
        ids[engine] = created.json().id;
      }
      const listed = await same('/api/v1/alerts/silences', 'engineer');
      expect(listed.silences).toHaveLength(1);
      for (const engine of ['duckdb', 'postgres'] as const) {
        const s = served[engine]!;
        const ended = await s.app.inject({ method: 'DELETE', url: `/api/v1/alerts/silences/${ids[engine]}`, headers: { authorization: `Bearer ${s.tokens.engineer}` } });
        expect(ended.statusCode, ended.body).toBe(200);
      }
      expect((await same('/api/v1/alerts/silences', 'engineer')).silences).toEqual([]);
    });

    it('an analyst sees the same pseudonym on both engines, and it opens the same customer', async () => {
      const lines = await same('/api/v1/sales?invoice_no=536365&sort=invoice_ts&order=asc', 'analyst');
      const pseudonym = lines.lines[0].customer_id as string;
      expect(pseudonym).toMatch(/^c_[0-9a-f]{16}$/);
      await same(`/api/v1/customers/${pseudonym}`, 'analyst');
    });
  });

  describe('the PostgreSQL read side', () => {
    it('the SQL console answers the same on both engines, columns and types included', async () => {
      const query = {
        sql: `SELECT region, count(*) AS countries, round(sum(revenue_gbp), 2)::DOUBLE AS revenue
              FROM gold.mart_country_sales GROUP BY region ORDER BY region`,
        limit: 100,
      };
      const [duck, pg] = [await ask('duckdb', '/api/v1/query', 'analyst', query), await ask('postgres', '/api/v1/query', 'analyst', query)];
      expect(duck.status, JSON.stringify(duck.body)).toBe(200);
      expect(pg.status, JSON.stringify(pg.body)).toBe(200);
      const [d, p] = [duck.body as any, pg.body as any]; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shape
      expect(p.rows).toEqual(d.rows);
      expect(p.columns.map((c: { name: string }) => c.name)).toEqual(['region', 'countries', 'revenue']);
      expect(p.columns.map((c: { type: string }) => c.type)).toEqual(['CHARACTER VARYING', 'BIGINT', 'DOUBLE PRECISION']);
    });

    it('the SQL console on PostgreSQL refuses functions that reach past the allowed relations, and the guard still holds', async () => {
      const refused = [
        ["SELECT query_to_xml('SELECT * FROM api.users', true, true, '') AS x", /query_to_xml\(\) is not allowed/],
        ["SELECT pg_read_file('/etc/passwd') AS x", /pg_read_file\(\) is not allowed/],
        ["SELECT pg_catalog.upper('a') AS x", /pg_catalog\.upper\(\) is not allowed/],
        ["SELECT set_config('statement_timeout', '0', false) AS x", /set_config\(\) is not allowed/],
        ['SELECT * FROM api.users', /api\.users is not allowed/],
        ['DELETE FROM gold.fact_sales', /only a single SELECT/],
        ['SELECT * FROM gold.fact_sales', /hold customer ids/],
      ] as const;
      for (const [sql, message] of refused) {
        const answer = await ask('postgres', '/api/v1/query', 'analyst', { sql, limit: 10 });
        expect(answer.status, sql).toBeGreaterThanOrEqual(400);
        expect(answer.status, sql).toBeLessThan(500);
        expect(JSON.stringify(answer.body), sql).toMatch(message);
      }
    });

    it('reads run in read-only sessions: a write through the read path is refused by the server', async () => {
      const pool = served.postgres!.pool;
      await expect(pool.query('SELECT * FROM gold.dim_country LIMIT 1 FOR UPDATE')).rejects.toThrow(/read-only/);
      await expect(pool.query('WITH gone AS (DELETE FROM gold.fact_sales RETURNING 1) SELECT count(*) FROM gone')).rejects.toThrow(/read-only/);
    });

    it('a query past its deadline is stopped by the server and reported as STRATA_ERR_QUERY_TIMEOUT; the pool carries on', async () => {
      const pool = served.postgres!.pool;
      await expect(pool.query('SELECT pg_sleep(5)', undefined, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'STRATA_ERR_QUERY_TIMEOUT' });
      const [row] = await pool.query<{ n: string }>('SELECT count(*) AS n FROM gold.fact_sales');
      expect(Number(row!.n)).toBeGreaterThan(50_000);
    });

    it('lockDown says when the role can reach the server files (the test server logs in as a superuser)', () => {
      expect(served.duckdb!.notes).toEqual([]);
      expect(served.postgres!.notes.join(' ')).toMatch(/superuser/);
    });
  });
});
