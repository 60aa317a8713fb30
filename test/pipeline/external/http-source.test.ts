/**
 * The HTTP pull source against a real local server that fails on purpose, through the real
 * pipeline (executor retries, circuit breaker, shared rate budget, bronze, quality, silver) into
 * an in-memory warehouse, and once through the real CLI.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import type { Warehouse } from '../../../src/engine/index.js';
import { createResourceRegistry, openProjectWarehouse, runPipeline, type ResourceRegistry } from '../../../src/pipeline/index.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import { shopRows, startFlakyShop, type FlakyShop } from './flaky-shop.js';

const TOKEN = `tok-${Math.random().toString(36).slice(2)}-secret`;
const TOKEN_ENV = 'STRATA_TEST_SHOP_TOKEN';
const ROWS = shopRows(25);
// One row the quality rules must quarantine: a price that is not a number.
ROWS[7] = { ...ROWS[7], UnitPrice: 'twelve' };

let shop: FlakyShop;
const temp = tempDir('strata-http-');

beforeAll(async () => {
  process.env[TOKEN_ENV] = TOKEN;
  shop = await startFlakyShop({ '/a': ROWS, '/b-link': shopRows(12, 1), '/c': shopRows(4, 2) });
});
afterAll(async () => {
  delete process.env[TOKEN_ENV];
  await shop.close();
  temp.cleanup();
});

const FAST = { pageSize: 10, requestTimeoutMs: 300, maxAttempts: 4, retryBaseDelayMs: 20, retryMaxDelayMs: 100, ratePerSecond: 1000, burst: 100 };

async function pipelineWith(sources: Record<string, unknown>, dir: string): Promise<{ warehouse: Warehouse; config: ReturnType<typeof loadConfig>; registry: ResourceRegistry }> {
  const config = loadConfig({ dataDir: path.join(temp.dir, dir), warehousePath: ':memory:', duckdbThreads: 1, httpSources: sources }, {});
  const { warehouse } = await openProjectWarehouse(config);
  return { warehouse, config, registry: createResourceRegistry() };
}

const events = (w: Warehouse, runId: string) =>
  w.query<{ kind: string; step_id: string | null; error_code: string | null; delay: number | null; text: string }>(
    `SELECT kind, step_id, error_code, (detail->>'delay_ms')::DOUBLE AS delay, to_json(e)::VARCHAR AS text FROM meta.events e WHERE run_id = $r ORDER BY event_id`,
    { r: runId },
  );

describe('an HTTP pull source', () => {
  it('lands every page through bronze, quality and silver, with the accounting; re-pulling loads nothing twice', async () => {
    shop.reset((page) => (page === 2 ? { delayMs: 150 } : null)); // a slow page, inside the timeout
    const { warehouse, config, registry } = await pipelineWith({ shop: { ...FAST, url: `${shop.url}/a`, authEnv: TOKEN_ENV } }, 'accounting');
    try {
      const first = await runPipeline(warehouse, config, { inputs: [], sources: ['shop'], resources: registry, command: 'pull shop' });
      expect(first.error).toBeNull();
      expect(first.status).toBe('succeeded');
      expect(first.pulls).toEqual([expect.objectContaining({ source: 'shop', rows: 25, requests: 3 })]);
      expect(first.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded']);
      const t = first.totals;
      expect(t.rows_in).toBe(25);
      expect(t.rows_quarantined).toBe(1);
      expect(t.rows_to_silver + t.rows_quarantined + t.duplicates_removed).toBe(25);
      expect(shop.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
      const quarantined = await warehouse.query<{ line: number; file: string; rule_id: string }>('SELECT line::INTEGER AS line, file, rule_id FROM quality.quarantine');
      expect(quarantined).toEqual([expect.objectContaining({ line: 9, file: expect.stringMatching(/shop-00001\.csv$/) })]);
      const logged = await events(warehouse, first.runId);
      expect(logged.filter((e) => e.kind === 'rows_written' && e.step_id === 'http.shop').length).toBe(3);
      expect(logged.some((e) => e.kind === 'asset_materialized' && e.step_id === 'http.shop')).toBe(true);
      expect(logged.some((e) => e.step_id === 'gold.fact_sales' && e.kind === 'step_succeeded')).toBe(true);
      // The credential reaches the server and nowhere else.
      expect(JSON.stringify(logged)).not.toContain(TOKEN);
      expect(JSON.stringify(first)).not.toContain(TOKEN);

      const before = await warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM bronze.transactions_raw');
      const again = await runPipeline(warehouse, config, { inputs: [], sources: ['shop'], resources: registry, command: 'pull shop' });
      expect(again.status).toBe('succeeded');
      expect(again.files.map((f) => f.status)).toEqual(['skipped', 'skipped', 'skipped']);
      expect(again.batches).toEqual([]);
      const after = await warehouse.query<{ n: number; silver: number }>('SELECT count(*)::INTEGER AS n, (SELECT count(*)::INTEGER FROM silver.transactions) AS silver FROM bronze.transactions_raw');
      expect(after[0]!.n).toBe(before[0]!.n);
      expect(after[0]!.silver).toBe(t.rows_to_silver);
    } finally {
      await warehouse.close();
    }
  });

  it('retries a 500, a page that never answers and a 429 (after its Retry-After), resuming at the page that failed', async () => {
    shop.reset((page, nth) => {
      if (page === 2 && nth === 1) return { status: 500 };
      if (page === 3 && nth === 1) return { hangMs: 5_000 };
      if (page === 3 && nth === 2) return { status: 429, retryAfter: '1' };
      return null;
    });
    const { warehouse, config, registry } = await pipelineWith({ shop: { ...FAST, url: `${shop.url}/a`, authEnv: TOKEN_ENV } }, 'retries');
    try {
      const started = Date.now();
      const result = await runPipeline(warehouse, config, { inputs: [], sources: ['shop'], resources: registry });
      expect(result.error).toBeNull();
      expect(result.totals.rows_in).toBe(25);
      expect(shop.requests.map((r) => r.page)).toEqual([1, 2, 2, 3, 3, 3]);
      const retries = (await events(warehouse, result.runId)).filter((e) => e.kind === 'step_retrying');
      expect(retries.map((e) => e.error_code)).toEqual(['STRATA_ERR_HTTP_SOURCE', 'STRATA_ERR_HTTP_SOURCE', 'STRATA_ERR_HTTP_SOURCE']);
      expect(retries[1]!.text).toContain('no answer within 300 ms');
      expect(retries[2]!.text).toContain('429');
      expect(retries[2]!.delay).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      const [gap] = [shop.requests[5]!.at - shop.requests[4]!.at];
      expect(gap).toBeGreaterThanOrEqual(950);
      // A 429 is the server managing load, not failing: the breaker stays closed.
      expect(registry.get(new URL(shop.url).host, { breaker: { failureThreshold: 1, coolDownMs: 1 }, rate: { ratePerSecond: 1, burst: 1 } }).breaker.state.status).toBe('closed');
    } finally {
      await warehouse.close();
    }
  });

  it('stops with a clear error naming the page and the position when a page is not JSON, keeping what loaded before', async () => {
    shop.reset((page) => (page === 2 ? { body: '{"data": [{"InvoiceNo": "1"},' } : null));
    const { warehouse, config, registry } = await pipelineWith({ shop: { ...FAST, url: `${shop.url}/a` } }, 'bad-json');
    try {
      const result = await runPipeline(warehouse, config, { inputs: [], sources: ['shop'], resources: registry });
      expect(result.status).not.toBe('succeeded');
      const failed = (await events(warehouse, result.runId)).filter((e) => e.kind === 'step_failed');
      expect(failed.map((e) => e.error_code)).toEqual(['STRATA_ERR_HTTP_SOURCE_REJECTED']);
      expect(failed[0]!.text).toMatch(/cursor=10.*the page is not JSON \(application\/json\): .*JSON/);
      expect(failed[0]!.text).not.toMatch(/\n\s+at /);
      // A refused page is not retried: the server said something unusable, not something transient.
      expect(shop.requests.map((r) => r.page)).toEqual([1, 2]);
    } finally {
      await warehouse.close();
    }
  });

  it('opens its circuit after repeated failures, stops calling the server, and closes it after a good probe', async () => {
    let down = true;
    shop.reset(() => (down ? { status: 503 } : null));
    const settings = { ...FAST, url: `${shop.url}/c`, failureThreshold: 2, coolDownMs: 400, maxAttempts: 4, resource: 'shop-c' };
    const { warehouse, config, registry } = await pipelineWith({ shop_c: settings }, 'breaker');
    try {
      const failed = await runPipeline(warehouse, config, { inputs: [], sources: ['shop_c'], resources: registry });
      expect(failed.status).toBe('failed');
      // Attempts 1 and 2 fail and open the circuit; attempt 3 is refused without a request; attempt 4 is the half-open probe.
      expect(shop.requests.length).toBe(3);
      const retries = (await events(warehouse, failed.runId)).filter((e) => e.kind === 'step_retrying');
      expect(retries.map((e) => e.error_code)).toEqual(['STRATA_ERR_HTTP_SOURCE', 'STRATA_ERR_HTTP_SOURCE', 'STRATA_ERR_CIRCUIT_OPEN']);
      expect(retries[2]!.delay).toBeGreaterThanOrEqual(300);
      const breaker = registry.get('shop-c', { breaker: settings, rate: { ratePerSecond: 1, burst: 1 } }).breaker;
      expect(breaker.transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'open']);
      // Nothing landed: ingest and everything after it were blocked.
      const [{ n }] = (await warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM bronze.batches')) as [{ n: number }];
      expect(n).toBe(0);

      down = false;
      await new Promise((r) => setTimeout(r, 450));
      const recovered = await runPipeline(warehouse, config, { inputs: [], sources: ['shop_c'], resources: registry });
      expect(recovered.status).toBe('succeeded');
      expect(recovered.totals.rows_in).toBe(4);
      expect(breaker.state.status).toBe('closed');
    } finally {
      await warehouse.close();
    }
  });

  it('shares one rate budget between two sources on the same resource, pulled side by side (one by Link headers)', async () => {
    shop.reset();
    const shared = { ...FAST, resource: 'shop', ratePerSecond: 10, burst: 1 };
    const { warehouse, config, registry } = await pipelineWith(
      { shop_a: { ...shared, url: `${shop.url}/a` }, shop_b: { ...shared, url: `${shop.url}/b-link`, paging: 'link', pageSize: 5 } },
      'budget',
    );
    try {
      const result = await runPipeline(warehouse, config, { inputs: [], sources: ['shop_a', 'shop_b'], resources: registry });
      expect(result.error).toBeNull();
      expect(result.pulls.map((p) => [p.source, p.rows, p.pages.length])).toEqual([['shop_a', 25, 3], ['shop_b', 12, 3]]);
      expect(result.totals.rows_in).toBe(37);
      const times = shop.requests.map((r) => r.at).sort((a, b) => a - b);
      expect(new Set(shop.requests.map((r) => r.path.split('?')[0]))).toEqual(new Set(['/a', '/b-link']));
      // 6 requests at 10/s with a burst of 1: at least 5 intervals of 100 ms, whichever source asked.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(450);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(80);
    } finally {
      await warehouse.close();
    }
  });
});

describe('strata pull', () => {
  it('pulls a configured source from the command line, never printing its credential', async () => {
    shop.reset();
    const dataDir = path.join(temp.dir, 'cli');
    const env = { STRATA_HTTP_SOURCES: JSON.stringify({ shop: { url: `${shop.url}/c`, authEnv: TOKEN_ENV, pageSize: 3 } }), [TOKEN_ENV]: TOKEN };
    const result = await runCli(['--json', 'pull', 'shop'], { dataDir, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ status: 'succeeded', pulls: [{ source: 'shop', pages: 2, rows: 4 }], totals: { rows_in: 4 } });
    expect(result.stdout + result.stderr).not.toContain(TOKEN);

    const missing = await runCli(['pull', 'shop'], { dataDir, env: { ...env, [TOKEN_ENV]: '' } });
    expect(missing.code).toBe(1);
    expect(missing.stdout + missing.stderr).toContain(`takes its credential from ${TOKEN_ENV}, which is not set [STRATA_ERR_CONFIG]`);
    const unknown = await runCli(['pull', 'nope'], { dataDir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no HTTP source named nope; configured: shop');
  });
});
