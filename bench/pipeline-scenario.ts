/**
 * One benchmark scenario in its own process, so peak RSS belongs to it alone. Prints one JSON line.
 *   floor:    DuckDB reads the files into one table, no transformation (the engine's floor)
 *   pipeline: the whole Strata pipeline (ingest, quality, silver, gold) into a fresh warehouse file
 *   backfill: the same files day by day in one run (policy single-run): the files ingested (one
 *             batch each) and through quality, then each day's partitions written in order, then
 *             the models not partitioned built once
 *   backfill-runs: the same, one run per day partition (policy run-per-day), then one run for the
 *             models that are not partitioned
 *   incremental: a warehouse built from every file but the last (not timed), then the run the
 *             sensor makes when the last daily file arrives (that file; only its partitions rebuilt)
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/index.js';
import { discoverFiles } from '../src/ingest/index.js';
import { backfillByDay, openProjectWarehouse, partitionOf, runPipeline, type PipelineResult } from '../src/pipeline/index.js';

const [mode, input, workDir] = process.argv.slice(2);
if (!mode || !input || !workDir) throw new Error('usage: pipeline-scenario <floor|pipeline|backfill|backfill-runs|incremental> <input folder> <work dir>');
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
} else if (mode === 'backfill' || mode === 'backfill-runs') {
  const config = loadConfig({ dataDir: workDir, logLevel: 'silent' });
  const { warehouse } = await openProjectWarehouse(config);
  const days = discoverFiles(input).map((f) => partitionOf(f.path)).sort();
  const policy = mode === 'backfill' ? 'single-run' : 'run-per-day';
  const result = await backfillByDay(warehouse, config, { inputs: [input], from: days[0]!, to: days.at(-1)!, command: 'bench-backfill', policy });
  if (result.final?.status !== 'succeeded' || result.days.some((d) => d.status !== 'succeeded')) throw new Error(`backfill failed: ${result.final?.error?.message ?? ''}`);
  const times = result.days.map((d) => d.durationMs).sort((a, b) => a - b);
  rows = result.final.warehouseTotals.rows_in;
  const runs = new Set(result.days.map((d) => d.runId)).size + (policy === 'run-per-day' ? 1 : 0);
  const steps = await warehouse.query<{ step: string; duration_ms: number }>('SELECT step, sum(duration_ms)::DOUBLE AS duration_ms FROM meta.run_steps GROUP BY 1 ORDER BY 1');
  const [events] = await warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM meta.events');
  process.stdout.write(`${JSON.stringify({ detail: {
    policy, runs, days: result.days.length, files: days.length, events: events?.n,
    dayP50Ms: times[Math.floor(times.length / 2)], dayP95Ms: times[Math.floor(times.length * 0.95)],
    finalRunMs: policy === 'run-per-day' ? result.final.durationMs : null,
    steps: Object.fromEntries(steps.map((s) => [s.step, Math.round(s.duration_ms)])),
  } })}\n`);
  await warehouse.close();
} else if (mode === 'incremental') {
  const config = loadConfig({ dataDir: workDir, logLevel: 'silent' });
  const { warehouse } = await openProjectWarehouse(config);
  const files = discoverFiles(input).map((f) => f.path);
  const landing = path.join(workDir, 'landing');
  mkdirSync(landing);
  for (const f of files.slice(0, -1)) copyFileSync(f, path.join(landing, path.basename(f)));
  const base = await runPipeline(warehouse, config, { inputs: [landing], command: 'bench-base' });
  if (base.status !== 'succeeded') throw new Error(`base run ${base.status}`);
  const last = path.join(landing, path.basename(files.at(-1)!));
  copyFileSync(files.at(-1)!, last);
  const timed = async (run: () => Promise<PipelineResult>): Promise<{ ms: number; result: PipelineResult }> => {
    const t = performance.now();
    const result = await run();
    if (result.status !== 'succeeded') throw new Error(`incremental run ${result.status}: ${result.error?.message ?? ''}`);
    return { ms: performance.now() - t, result };
  };
  const incremental = await timed(() => runPipeline(warehouse, config, { inputs: [last], command: 'bench-incremental' }));
  const again = await timed(() => runPipeline(warehouse, config, { inputs: [landing], partitions: [partitionOf(last)], command: 'bench-partition' }));
  const gold = (r: PipelineResult) => Object.fromEntries((r.gold?.models ?? []).map((m) => [m.name, m.partitions ? `${m.ms} ms (${m.partitions === 'all' ? 'all' : m.partitions.join(',')})` : m.ms]));
  rows = incremental.result.totals.rows_in;
  const steps = await warehouse.query<{ step: string; duration_ms: number }>('SELECT step, duration_ms::DOUBLE AS duration_ms FROM meta.run_steps WHERE run_id = $run_id ORDER BY started_at', { run_id: incremental.result.runId });
  process.stdout.write(`${JSON.stringify({ detail: { file: path.basename(last), baseRunMs: base.durationMs, incrementalMs: Math.round(incremental.ms), partitionRerunMs: Math.round(again.ms), steps: Object.fromEntries(steps.map((s) => [s.step, s.duration_ms])), gold: gold(incremental.result) } })}\n`);
  await warehouse.close();
  process.stdout.write(`${JSON.stringify({ mode, rows, seconds: incremental.ms / 1000, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  process.exit(0);
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
