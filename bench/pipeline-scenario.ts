/**
 * One benchmark scenario in its own process, so peak RSS belongs to it alone. Prints one JSON line.
 *   floor:    DuckDB reads the files into one table, no transformation (the engine's floor)
 *   pipeline: the whole Strata pipeline (ingest, quality, silver, gold) into a fresh warehouse file
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/index.js';
import { discoverFiles } from '../src/ingest/index.js';
import { openProjectWarehouse, runPipeline } from '../src/pipeline/index.js';

const [mode, input, workDir] = process.argv.slice(2);
if (!mode || !input || !workDir) throw new Error('usage: pipeline-scenario <floor|pipeline> <input folder> <work dir>');
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

const started = performance.now();
let rows = 0;
if (mode === 'floor') {
  const files = discoverFiles(input).map((f) => f.path);
  const instance = await DuckDBInstance.create(path.join(workDir, 'floor.duckdb'));
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE raw AS SELECT * FROM read_csv($files, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)`, {
    files: (await import('@duckdb/node-api')).listValue(files),
  });
  const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM raw');
  rows = Number(reader.getRowObjectsJson()[0]?.['n']);
  connection.closeSync();
} else {
  const config = loadConfig({ dataDir: workDir, logLevel: 'silent' });
  const { warehouse } = await openProjectWarehouse(config);
  const result = await runPipeline(warehouse, config, { inputs: [input], command: 'bench' });
  if (result.status !== 'succeeded') throw new Error(`pipeline ${result.status}: ${result.error?.message ?? ''}`);
  rows = result.totals.rows_in;
  const steps = await warehouse.query<{ step: string; duration_ms: number }>(
    'SELECT step, duration_ms::DOUBLE AS duration_ms FROM meta.run_steps WHERE run_id = $run_id ORDER BY started_at',
    { run_id: result.runId },
  );
  process.stdout.write(`${JSON.stringify({ steps: Object.fromEntries(steps.map((s) => [s.step, s.duration_ms])) })}\n`);
  await warehouse.close();
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ mode, rows, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
