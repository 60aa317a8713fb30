/**
 * `npm run bench:scale`: generated data (seeded, `strata generate`) through the whole pipeline on
 * embedded DuckDB and on PostgreSQL (STRATA_BENCH_PG_URL, default the local server; a database of
 * its own, dropped afterwards), printing wall time, rows/s, the ratio, and whether the gold totals
 * agree. Usage: npm run bench:scale -- [--rows 1000000] [--workers 1,2]
 *
 * `--workers 1,2` adds queue execution (STRATA_EXECUTION=queue, Redis at STRATA_BENCH_REDIS_URL,
 * default the local server, a key prefix of its own) on each engine with that many real
 * `strata worker` processes (the built CLI), each count on a fresh warehouse. Its wall time runs
 * from the run's start to its end; the workers are started and ready before.
 * `--engines postgres` (or duckdb) runs one engine only; `--no-in-process` leaves out the
 * in-process runs (to measure workers alone on a large data set).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { generateRetailData } from '../src/generate/index.js';
import { openProjectWarehouse } from '../src/pipeline/open-warehouse.js';
import { runPipeline, withQueuedRun } from '../src/pipeline/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = path.join(root, 'bench', 'out');
const rowsArg = process.argv[process.argv.indexOf('--rows') + 1];
const rows = process.argv.includes('--rows') && rowsArg ? Number(rowsArg) : 1_000_000;
const adminUrl = process.env['STRATA_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['STRATA_BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const workersArg = process.argv.includes('--workers') ? process.argv[process.argv.indexOf('--workers') + 1] ?? '' : '';
const enginesArg = process.argv.includes('--engines') ? process.argv[process.argv.indexOf('--engines') + 1] ?? '' : 'duckdb,postgres';
const engines = (['duckdb', 'postgres'] as const).filter((e) => enginesArg.split(',').includes(e));
const inProcess = !process.argv.includes('--no-in-process');
const workerCounts = workersArg ? workersArg.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];

async function generated(n: number): Promise<string> {
  const dir = path.join(outDir, `generated-${n}`);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(n)) return dir;
  process.stderr.write(`generating ${n.toLocaleString('en-GB')} rows into ${dir} ...\n`);
  await generateRetailData({ rows: n, seed: 7, outDir: dir, rowsPerDay: Math.max(1800, Math.ceil(n / 365)) });
  writeFileSync(marker, String(n));
  return dir;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const input = await generated(rows);
const results: { engine: string; mode: string; seconds: number; rowsIn: number; revenue: string | null; lines: number }[] = [];
const databases: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `pg_warehouse_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  databases.push(name);
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

/** A `strata worker` child of the built CLI, resolved once it printed worker_ready. */
function startWorker(dataDir: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), '--data-dir', dataDir, '--json', 'worker'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('"worker_ready"')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`strata worker exited (${code}) before it was ready`)));
  });
}

async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

try {
  for (const engine of inProcess ? engines : []) {
    const work = path.join(outDir, `scale-${engine}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const config = loadConfig({ dataDir: work, ...(engine === 'postgres' ? { warehouseUrl: await freshDatabase() } : {}) }, {});
    process.stderr.write(`${engine}: pipeline ...\n`);
    const started = performance.now();
    const { warehouse } = await openProjectWarehouse(config);
    const result = await runPipeline(warehouse, config, { inputs: [input] });
    const seconds = (performance.now() - started) / 1000;
    await warehouse.close();
    if (result.error) throw result.error;
    results.push({ engine, mode: 'in-process', seconds, rowsIn: result.totals.rows_in, revenue: result.warehouseTotals.gold_revenue_gbp, lines: result.warehouseTotals.gold_lines });
  }
  for (const engine of workerCounts.length ? engines : []) {
    for (const count of workerCounts) {
      const work = path.join(outDir, `scale-${engine}-workers-${count}`);
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      const prefix = `strata-bench:${randomBytes(4).toString('hex')}:`;
      const env: Record<string, string> = { STRATA_REDIS_URL: redisUrl, STRATA_REDIS_KEY_PREFIX: prefix, STRATA_LOG_LEVEL: 'warn' };
      if (engine === 'postgres') env['STRATA_WAREHOUSE_URL'] = await freshDatabase();
      const config = loadConfig({ dataDir: work }, { ...env, STRATA_EXECUTION: 'queue' });
      process.stderr.write(`${engine}: queue execution with ${count} worker(s) ...\n`);
      const workers = await Promise.all(Array.from({ length: count }, () => startWorker(work, env)));
      try {
        const started = performance.now();
        const result = await withQueuedRun(config, ({ warehouse, dispatcher }) => runPipeline(warehouse, config, { inputs: [input], dispatcher }));
        const seconds = (performance.now() - started) / 1000;
        if (result.error) throw result.error;
        results.push({ engine, mode: `${count} worker${count > 1 ? 's' : ''}`, seconds, rowsIn: result.totals.rows_in, revenue: result.warehouseTotals.gold_revenue_gbp, lines: result.warehouseTotals.gold_lines });
      } finally {
        await Promise.all(workers.map((w) => new Promise((resolve) => (w.exitCode !== null ? resolve(null) : (w.once('exit', resolve), w.kill('SIGTERM'))))));
        await dropKeys(prefix);
      }
    }
  }
} finally {
  for (const name of databases) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

const duck = results.find((r) => r.engine === 'duckdb' && r.mode === 'in-process');
const post = results.find((r) => r.engine === 'postgres' && r.mode === 'in-process');
const reference = duck ?? results[0]!;
console.log(`\nbench:scale — ${rows.toLocaleString('en-GB')} generated rows, whole pipeline (ingest, quality, silver, gold), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('engine     execution     wall s    rows/s     gold lines   gold revenue GBP');
for (const r of results) {
  console.log(`${r.engine.padEnd(10)} ${r.mode.padEnd(12)} ${r.seconds.toFixed(1).padStart(7)} ${Math.round(r.rowsIn / r.seconds).toLocaleString('en-GB').padStart(9)}   ${String(r.lines).padStart(10)}   ${r.revenue}`);
}
if (duck && post) console.log(`PostgreSQL / DuckDB wall time (in-process): ${(post.seconds / duck.seconds).toFixed(2)}x`);
console.log(`gold identical in every run: ${results.every((r) => r.revenue === reference.revenue && r.lines === reference.lines)}`);
