/**
 * `npm run bench:stream`: replays real trading days into fresh JetStream streams while a
 * `strata stream consume` child process commits them to bronze. Three scenarios, each on its own
 * stream and warehouse, in one run (so their ratios compare like with like):
 * - live: the producer publishes flat out while the consumer runs; events/s from the first
 *   publish to the last bronze commit (capped by how fast the producer publishes), p50/p99 from
 *   JetStream storing an event to the commit of its micro-batch (which also updates its windows).
 * - backlog: everything is published first, then the consumer drains it: the consumer's own
 *   sustained events/s, from its first micro-batch to its last commit.
 * - paced: the producer publishes at BENCH_PACED_RATE events/s; the latency of a consumer that
 *   keeps up, which is what the p99 target is about (a flat-out backlog's p99 is queueing).
 * Quality + silver run once at the end of each (not inside the measurement).
 * Targets (issue 6, 2 cores): >= 50,000 events/s sustained, p99 < 2 s.
 *
 * Env: NATS_URL (default nats://127.0.0.1:4222), BENCH_DAYS (default 40), BENCH_BATCH (micro-batch
 * size, default: the configured one), BENCH_SCENARIOS (default live,backlog,paced),
 * BENCH_PACED_RATE (default 5000).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { loadConfig } from '../src/config/index.js';
import { replayToStream, streamSettings, type ConsumeReport, type ReplayReport } from '../src/stream/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.resolve(root, '..', 'shared', 'data', 'online-retail', 'by-day');
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const DAYS = Number(process.env['BENCH_DAYS'] ?? 40);
const BATCH = Number(process.env['BENCH_BATCH'] ?? loadConfig({}, {}).streamBatchSize);
const SCENARIOS = (process.env['BENCH_SCENARIOS'] ?? 'live,backlog,paced').split(',').map((s) => s.trim()) as Array<'live' | 'backlog' | 'paced'>;
const PACED_RATE = Number(process.env['BENCH_PACED_RATE'] ?? 5000);

const work = mkdtempSync(path.join(os.tmpdir(), 'strata-stream-bench-'));
const input = path.join(work, 'input');
mkdirSync(input);
for (const day of readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, DAYS)) cpSync(path.join(dataDir, day), path.join(input, day));
const created: string[] = [];

function consume(id: string, env: Record<string, string>): Promise<ConsumeReport & { spawnedAt: number }> {
  const spawnedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), '--json', '--data-dir', path.join(work, id), 'stream', 'consume', '--until-idle', '3000', '--process-every', '3600000'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve({ ...(JSON.parse(out) as { consumer: ConsumeReport }).consumer, spawnedAt }) : reject(new Error(`consumer exited with ${code}`))));
  });
}

async function scenario(kind: 'live' | 'backlog' | 'paced'): Promise<Record<string, unknown>> {
  const id = `BENCH_${kind.toUpperCase()}_${Date.now()}`;
  created.push(id);
  const subject = `strata.bench.${id.toLowerCase()}`;
  const env = { STRATA_NATS_URL: NATS_URL, STRATA_STREAM_NAME: id, STRATA_STREAM_SUBJECT: subject, STRATA_STREAM_BATCH_SIZE: String(BATCH) };
  const settings = streamSettings(loadConfig({ natsUrl: NATS_URL, streamName: id, streamSubject: subject, streamBatchSize: BATCH }, {}));
  let produced: ReplayReport;
  let c: ConsumeReport & { spawnedAt: number };
  if (kind === 'backlog') {
    produced = await replayToStream([input], settings, { rate: 0 });
    c = await consume(id, env);
  } else {
    // The consumer starts first and waits; the producer then publishes.
    const consumer = consume(id, env);
    await new Promise((r) => setTimeout(r, 1500));
    produced = await replayToStream([input], settings, { rate: kind === 'paced' ? PACED_RATE : 0 });
    c = await consumer;
  }
  const from = kind === 'backlog' ? c.firstBatchAt : c.firstPublishedAt;
  const spanMs = Date.parse(c.lastCommittedAt ?? '') - Date.parse(from ?? '');
  return {
    scenario: kind,
    events: produced.events,
    publish: { eventsPerSecond: produced.eventsPerSecond, ackP99Ms: Math.round(produced.ackLatencyMs.p99 ?? 0), ...(kind === 'paced' ? { rate: PACED_RATE } : {}) },
    [kind === 'backlog' ? 'consumerDrain' : 'publishToBronze']: {
      eventsPerSecond: Math.round((c.messages * 1000) / spanMs),
      spanMs,
      committed: c.messages,
      batches: c.batches,
      // From starting the consumer process (startup and migrations included), comparable with builds that do not report firstBatchAt.
      ...(kind === 'backlog' ? { fromSpawnEventsPerSecond: Math.round((c.messages * 1000) / (Date.parse(c.lastCommittedAt ?? '') - c.spawnedAt)) } : {}),
    },
    latencyMs: { p50: c.commitLatencyMs.p50, p99: c.commitLatencyMs.p99, max: c.commitLatencyMs.max },
  };
}

try {
  const results: Record<string, unknown>[] = [];
  for (const kind of SCENARIOS) {
    const load = os.loadavg()[0]!.toFixed(2);
    results.push({ ...(await scenario(kind)), loadAverageAtStart: Number(load), loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(2)) });
  }
  const result = { days: DAYS, batchSize: BATCH, results, targets: { eventsPerSecond: 50_000, p99Ms: 2000 } };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'out', 'stream-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const id of created) for (const name of [id, `${id}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
  await nc.close();
  rmSync(work, { recursive: true, force: true });
}
