/**
 * `npm run bench`: wall time, rows/s and peak RSS of the whole pipeline on the real data and on
 * generated 1M and 10M rows, next to the floor (DuckDB reading the same files, no transformation)
 * measured in the same run. Targets: pipeline within 3x of the floor, 10M rows under 4 GB peak
 * RSS, cost linear in rows. `orchestration`: a day-by-day backfill of the real data against one
 * full run (target within 2x), and the incremental refresh after one new daily file (target < 1 s);
 * with --multi-run also the backfill as one run per day (the older policy, several minutes).
 * Usage: npm run bench -- [--sizes real,1m,10m,orchestration] [--multi-run]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRetailData } from '../src/generate/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outDir = path.join(root, 'bench', 'out');
const realData = [path.resolve(root, '..', 'shared', 'data', 'online-retail', 'by-day'), path.join(root, 'demo', 'online-retail')].find(existsSync)!;

const sizesArg = process.argv.find((a) => a.startsWith('--sizes='))?.slice(8) ?? process.argv[process.argv.indexOf('--sizes') + 1];
const allSizes = (sizesArg && !sizesArg.startsWith('--') ? sizesArg : 'real,1m,10m,orchestration').split(',');
const orchestration = allSizes.includes('orchestration');
const sizes = allSizes.filter((s) => s !== 'orchestration');

interface Measurement { rows: number; seconds: number; peakRssMb: number; steps?: Record<string, number>; detail?: Record<string, unknown> }

function measure(mode: 'floor' | 'pipeline' | 'backfill' | 'backfill-runs' | 'incremental', input: string, label: string): Measurement {
  const script = path.join(here, 'pipeline-scenario.js');
  const work = path.join(outDir, `work-${label}-${mode}`);
  const output = execFileSync(process.execPath, [script, mode, input, work], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = output.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const steps = lines.find((l) => 'steps' in l)?.['steps'] as Record<string, number> | undefined;
  const detail = lines.find((l) => 'detail' in l)?.['detail'] as Record<string, unknown> | undefined;
  const last = lines.at(-1) as unknown as Measurement;
  return { ...last, ...(steps ? { steps } : {}), ...(detail ? { detail } : {}) };
}

async function generated(rows: number): Promise<string> {
  const dir = path.join(outDir, `generated-${rows}`);
  const marker = path.join(dir, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(rows)) return dir;
  process.stderr.write(`generating ${rows.toLocaleString('en-GB')} rows into ${dir} ...\n`);
  const started = performance.now();
  await generateRetailData({ rows, seed: 7, outDir: dir, rowsPerDay: Math.max(1800, Math.ceil(rows / 365)) });
  process.stderr.write(`  generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  writeFileSync(marker, String(rows));
  return dir;
}

const inputs: Record<string, () => Promise<string>> = {
  real: async () => realData,
  '1m': () => generated(1_000_000),
  '10m': () => generated(10_000_000),
};

const results: { label: string; floor: Measurement; pipeline: Measurement }[] = [];
for (const label of sizes) {
  const input = await inputs[label]?.();
  if (!input) throw new Error(`unknown size ${label}; use real, 1m or 10m`);
  process.stderr.write(`${label}: floor ...\n`);
  const floor = measure('floor', input, label);
  process.stderr.write(`${label}: pipeline ...\n`);
  const pipeline = measure('pipeline', input, label);
  results.push({ label, floor, pipeline });
}

const pad = (s: string, n: number): string => s.padStart(n);
console.log(`\n${pad('data', 6)} ${pad('rows', 12)} ${pad('floor s', 9)} ${pad('pipeline s', 11)} ${pad('ratio', 7)} ${pad('rows/s', 11)} ${pad('peak RSS MB', 12)}  steps (ms)`);
for (const r of results) {
  const ratio = r.pipeline.seconds / r.floor.seconds;
  console.log(
    `${pad(r.label, 6)} ${pad(r.pipeline.rows.toLocaleString('en-GB'), 12)} ${pad(r.floor.seconds.toFixed(2), 9)} ${pad(r.pipeline.seconds.toFixed(2), 11)} ${pad(ratio.toFixed(2) + 'x', 7)} ${pad(Math.round(r.pipeline.rows / r.pipeline.seconds).toLocaleString('en-GB'), 11)} ${pad(String(r.pipeline.peakRssMb), 12)}  ${Object.entries(r.pipeline.steps ?? {}).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}`,
  );
}
const byLabel = Object.fromEntries(results.map((r) => [r.label, r]));
if (byLabel['1m'] && byLabel['10m']) {
  const perRow1m = byLabel['1m'].pipeline.seconds / byLabel['1m'].pipeline.rows;
  const perRow10m = byLabel['10m'].pipeline.seconds / byLabel['10m'].pipeline.rows;
  console.log(`linearity: cost per row at 10M / at 1M = ${(perRow10m / perRow1m).toFixed(2)} (1.00 is perfectly linear)`);
}
if (results.length) console.log('targets: ratio <= 3x of the floor; 10M peak RSS < 4096 MB; linearity close to 1');

let orchestrationResults: Record<string, Measurement> | null = null;
if (orchestration) {
  process.stderr.write('orchestration: one full run of the real data ...\n');
  const full = byLabel['real']?.pipeline ?? measure('pipeline', realData, 'real');
  process.stderr.write('orchestration: day-by-day backfill in one run ...\n');
  const backfill = measure('backfill', realData, 'real');
  const multiRun = process.argv.includes('--multi-run');
  if (multiRun) process.stderr.write('orchestration: day-by-day backfill, one run per day ...\n');
  const backfillRuns = multiRun ? measure('backfill-runs', realData, 'real') : null;
  process.stderr.write('orchestration: incremental refresh after one new daily file ...\n');
  const incremental = measure('incremental', realData, 'real');
  orchestrationResults = { full, backfill, ...(backfillRuns ? { backfillRuns } : {}), incremental };
  const d = backfill.detail ?? {};
  const i = incremental.detail ?? {};
  console.log(`\norchestration (real data, ${full.rows.toLocaleString('en-GB')} rows)`);
  console.log(`  one full run:            ${full.seconds.toFixed(2)} s`);
  console.log(`  day-by-day backfill:     ${backfill.seconds.toFixed(2)} s  = ${(backfill.seconds / full.seconds).toFixed(2)}x the full run (target <= 2x); one run, ${d['days']} days for ${d['files']} files, day p50 ${d['dayP50Ms']} ms, p95 ${d['dayP95Ms']} ms; ${d['events']} events; stages ${JSON.stringify(d['steps'])}`);
  if (backfillRuns) {
    const r = backfillRuns.detail ?? {};
    console.log(`  same, one run per day:   ${backfillRuns.seconds.toFixed(2)} s  = ${(backfillRuns.seconds / full.seconds).toFixed(2)}x the full run; ${r['runs']} runs, day p50 ${r['dayP50Ms']} ms, p95 ${r['dayP95Ms']} ms, final run ${r['finalRunMs']} ms; ${r['events']} events`);
  }
  console.log(`  incremental, one file:   ${incremental.seconds.toFixed(2)} s (target < 1 s); ${i['file']}; steps ${JSON.stringify(i['steps'])}; gold ${JSON.stringify(i['gold'])}`);
  console.log(`  re-run of that partition: ${((i['partitionRerunMs'] as number) / 1000).toFixed(2)} s`);
  console.log(`  load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify({ results, orchestration: orchestrationResults }, null, 2));
