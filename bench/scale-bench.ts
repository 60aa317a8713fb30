/**
 * `npm run bench:scale`: generated data (seeded, `strata generate`) through the whole pipeline on
 * embedded DuckDB and on PostgreSQL (STRATA_BENCH_PG_URL, default the local server; a database of
 * its own, dropped afterwards), printing wall time, rows/s, the ratio, and whether the gold totals
 * agree. Usage: npm run bench:scale -- [--rows 1000000]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config/index.js';
import { generateRetailData } from '../src/generate/index.js';
import { openProjectWarehouse } from '../src/pipeline/open-warehouse.js';
import { runPipeline } from '../src/pipeline/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = path.join(root, 'bench', 'out');
const rowsArg = process.argv[process.argv.indexOf('--rows') + 1];
const rows = process.argv.includes('--rows') && rowsArg ? Number(rowsArg) : 1_000_000;
const adminUrl = process.env['STRATA_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

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
const dbName = `pg_warehouse_bench_${randomBytes(4).toString('hex')}`;
await admin(`CREATE DATABASE ${dbName}`);
const pgUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
const results: { engine: string; seconds: number; rowsIn: number; revenue: string | null; lines: number }[] = [];
try {
  for (const engine of ['duckdb', 'postgres'] as const) {
    const work = path.join(outDir, `scale-${engine}`);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const config = loadConfig({ dataDir: work, ...(engine === 'postgres' ? { warehouseUrl: pgUrl } : {}) }, {});
    process.stderr.write(`${engine}: pipeline ...\n`);
    const started = performance.now();
    const { warehouse } = await openProjectWarehouse(config);
    const result = await runPipeline(warehouse, config, { inputs: [input] });
    const seconds = (performance.now() - started) / 1000;
    await warehouse.close();
    if (result.error) throw result.error;
    results.push({ engine, seconds, rowsIn: result.totals.rows_in, revenue: result.warehouseTotals.gold_revenue_gbp, lines: result.warehouseTotals.gold_lines });
  }
} finally {
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}

const [duck, post] = results as [(typeof results)[number], (typeof results)[number]];
console.log(`\nbench:scale — ${rows.toLocaleString('en-GB')} generated rows, whole pipeline (ingest, quality, silver, gold), load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('engine      wall s    rows/s     gold lines   gold revenue GBP');
for (const r of results) {
  console.log(`${r.engine.padEnd(10)} ${r.seconds.toFixed(1).padStart(7)} ${Math.round(r.rowsIn / r.seconds).toLocaleString('en-GB').padStart(9)}   ${String(r.lines).padStart(10)}   ${r.revenue}`);
}
console.log(`PostgreSQL / DuckDB wall time: ${(post.seconds / duck.seconds).toFixed(2)}x; gold identical: ${duck.revenue === post.revenue && duck.lines === post.lines}`);
