/**
 * `npm run bench:api`: autocannon on loopback against the API over the real demo warehouse, and
 * a bare Fastify handler returning a constant in the same server process, so each figure has a
 * ceiling to be compared with. The servers run in a child process (one core each for load and
 * server on a 2-core machine). Targets: cached KPIs >= 0.5x bare with p99 < 20 ms; uncached
 * time series p99 < 100 ms.
 *
 * Uses <data-dir>/strata.duckdb (default ./data, env STRATA_DATA_DIR) after `npm start` or
 * `strata demo`; works on a copy, so a running server is not disturbed.
 */
import { fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';

const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 8);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);

interface Ports {
  readonly bare: number;
  readonly cached: number;
  readonly uncached: number;
  /** The cached app with its cache and rate limits in Redis (when STRATA_REDIS_URL is set). */
  readonly redis: number | null;
}

async function child(dataDir: string): Promise<void> {
  const { loadConfig } = await import('../src/config/index.js');
  const { openReaderPool } = await import('../src/engine/index.js');
  const { openProjectWarehouse } = await import('../src/pipeline/index.js');
  const { buildApp, deriveSecrets, loadApiSettings } = await import('../src/api/index.js');
  const config = loadConfig({ dataDir }, {});
  const { warehouse: writer } = await openProjectWarehouse(config);
  const pool = await openReaderPool({ path: config.warehousePath, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit, connections: 4, defaultTimeoutMs: 10_000 });
  await pool.lockDown([`${path.resolve(dataDir)}${path.sep}`]);
  const secrets = deriveSecrets(BENCH_SECRET);
  const settings = (cacheEntries: number) => loadApiSettings({ rateLimitMax: 1_000_000_000, rateLimitIpMax: 1_000_000_000, cacheEntries }, {});
  const cached = await buildApp({ reader: pool, writer, config, secrets, settings: settings(2_000) });
  const uncached = await buildApp({ reader: pool, writer, config, secrets, settings: settings(0) });
  const bare = Fastify();
  bare.get('/', async () => ({ hello: 'world' }));
  const port = async (app: { listen: (o: { host: string; port: number }) => Promise<string> }) => Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
  const redisUrl = process.env['STRATA_REDIS_URL'];
  const redisConfig = redisUrl ? loadConfig({ dataDir, redisUrl, redisKeyPrefix: 'strata-bench:' }, {}) : null;
  const inRedis = redisConfig ? await buildApp({ reader: pool, writer, config: redisConfig, secrets, settings: settings(2_000) }) : null;
  const ports: Ports = { bare: await port(bare), cached: await port(cached), uncached: await port(uncached), redis: inRedis ? await port(inRedis) : null };
  process.send?.(ports);
  process.on('disconnect', () => process.exit(0));
}

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(name: string, url: string, token: string | null): Promise<Row> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function parent(): Promise<void> {
  const dataDir = path.resolve(process.env['STRATA_DATA_DIR'] ?? process.argv[2] ?? 'data');
  const source = path.join(dataDir, 'strata.duckdb');
  if (!existsSync(source)) {
    process.stderr.write(`no warehouse at ${source}: run \`npm start\` (or \`strata demo\`) first, or pass a data folder\n`);
    process.exitCode = 2;
    return;
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'strata-bench-'));
  copyFileSync(source, path.join(workDir, 'strata.duckdb'));
  const server = fork(fileURLToPath(import.meta.url), ['--child', workDir], { stdio: 'inherit' });
  try {
    const ports = await new Promise<Ports>((resolve, reject) => {
      server.once('message', (m) => resolve(m as Ports));
      server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const { createTokenSigner, deriveSecrets } = await import('../src/api/index.js').then(async (api) => ({ ...(await import('../src/api/auth/index.js')), deriveSecrets: api.deriveSecrets }));
    const signer = createTokenSigner(deriveSecrets(BENCH_SECRET).jwtKey, 3600);
    const token = (await signer.sign('bench', 'analyst')).token;

    const kpis = `http://127.0.0.1:${ports.cached}/api/v1/kpis?from=2011-11-01&to=2011-11-30`;
    const series = `http://127.0.0.1:${ports.uncached}/api/v1/sales/timeseries?grain=week&from=2011-01-01&to=2011-12-09`;
    const firstPage = await fetch(`http://127.0.0.1:${ports.uncached}/api/v1/sales?limit=50&sort=line_total_gbp&order=desc&from=2011-11-01&to=2011-11-30`, { headers: { authorization: `Bearer ${token}` } });
    const cursor = ((await firstPage.json()) as { next_cursor: string }).next_cursor;
    const sales = `http://127.0.0.1:${ports.uncached}/api/v1/sales?limit=50&sort=line_total_gbp&order=desc&from=2011-11-01&to=2011-11-30&cursor=${cursor}`;
    await fetch(kpis, { headers: { authorization: `Bearer ${token}` } });

    process.stderr.write(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s each, loopback; server in a child process\n`);
    const rows: Row[] = [];
    rows.push(await load('bare fastify (constant)', `http://127.0.0.1:${ports.bare}/`, null));
    rows.push(await load('kpis (cached, JWT)', kpis, token));
    if (ports.redis !== null) {
      const inRedis = kpis.replace(`:${ports.cached}/`, `:${ports.redis}/`);
      await fetch(inRedis, { headers: { authorization: `Bearer ${token}` } });
      rows.push(await load('kpis (cached + limits in Redis)', inRedis, token));
    }
    rows.push(await load('timeseries week (uncached)', series, token));
    rows.push(await load('sales page 2 (uncached, keyset)', sales, token));

    const bare = rows[0]!.rps;
    const pad = (s: string, n: number) => s.padEnd(n);
    const lines = [
      `${pad('endpoint', 34)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('x bare', 8)}errors`,
      ...rows.map((r) => `${pad(r.name, 34)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 9)}${pad(String(r.p99), 9)}${pad((r.rps / bare).toFixed(2), 8)}${r.errors}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const cachedRow = rows[1]!;
    const seriesRow = rows.find((r) => r.name.startsWith('timeseries'))!;
    process.stdout.write(
      `targets: cached KPI >= 0.5x bare: ${cachedRow.rps / bare >= 0.5 ? 'met' : 'NOT met'} (${(cachedRow.rps / bare).toFixed(2)}); ` +
        `cached KPI p99 < 20 ms: ${cachedRow.p99 < 20 ? 'met' : 'NOT met'} (${cachedRow.p99}); ` +
        `uncached time series p99 < 100 ms: ${seriesRow.p99 < 100 ? 'met' : 'NOT met'} (${seriesRow.p99})\n`,
    );
  } finally {
    server.kill();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!);
else await parent();
