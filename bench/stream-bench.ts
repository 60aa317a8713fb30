/**
 * `npm run bench:stream`: replays real trading days into a fresh JetStream stream while a
 * `strata stream consume` child process commits them to bronze, and reports events/s from the
 * first publish to the last bronze commit and the p50/p99 latency from JetStream storing an event
 * to its micro-batch commit. Quality + silver run once at the end (not inside the measurement).
 * Targets (issue 6, 2 cores): >= 50,000 events/s sustained, p99 < 2 s.
 *
 * Env: NATS_URL (default nats://127.0.0.1:4222), BENCH_DAYS (default 40), BENCH_RATE (events/s, 0 = flat out),
 * BENCH_BATCH (micro-batch size, default 5000).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { loadConfig } from '../src/config/index.js';
import { replayToStream, streamSettings, type ConsumeReport } from '../src/stream/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.resolve(root, '..', 'shared', 'data', 'online-retail', 'by-day');
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const DAYS = Number(process.env['BENCH_DAYS'] ?? 40);
const RATE = Number(process.env['BENCH_RATE'] ?? 0);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 5000);

const work = mkdtempSync(path.join(os.tmpdir(), 'strata-stream-bench-'));
const input = path.join(work, 'input');
mkdirSync(input);
for (const day of readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, DAYS)) cpSync(path.join(dataDir, day), path.join(input, day));

const id = `BENCH_${Date.now()}`;
const env = { STRATA_NATS_URL: NATS_URL, STRATA_STREAM_NAME: id, STRATA_STREAM_SUBJECT: `strata.bench.${id.toLowerCase()}`, STRATA_STREAM_BATCH_SIZE: String(BATCH) };
const settings = streamSettings(loadConfig({ natsUrl: NATS_URL, streamName: id, streamSubject: env.STRATA_STREAM_SUBJECT, streamBatchSize: BATCH }, {}));

try {
  // The consumer starts first and waits; the producer then publishes flat out (or at BENCH_RATE).
  const consumer = new Promise<{ run: { consumer: ConsumeReport } }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), '--json', '--data-dir', path.join(work, 'data'), 'stream', 'consume', '--until-idle', '3000', '--process-every', '3600000'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve({ run: JSON.parse(out) }) : reject(new Error(`consumer exited with ${code}`))));
  });
  await new Promise((r) => setTimeout(r, 1500));
  const produced = await replayToStream([input], settings, { rate: RATE });
  const { run } = await consumer;
  const c = run.consumer;
  const spanMs = Date.parse(c.lastCommittedAt ?? '') - Date.parse(c.firstPublishedAt ?? '');
  const result = {
    events: produced.events,
    days: DAYS,
    batchSize: BATCH,
    publish: { eventsPerSecond: produced.eventsPerSecond, ackP99Ms: produced.ackLatencyMs.p99 },
    publishToBronze: { eventsPerSecond: Math.round((c.messages * 1000) / spanMs), spanMs, committed: c.messages, batches: c.batches },
    latencyMs: { p50: c.commitLatencyMs.p50, p99: c.commitLatencyMs.p99, max: c.commitLatencyMs.max },
    targets: { eventsPerSecond: 50_000, p99Ms: 2000 },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(path.join(root, 'bench', 'out', 'stream-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const name of [id, `${id}_DLQ`]) await jsm.streams.delete(name).catch(() => false);
  await nc.close();
  rmSync(work, { recursive: true, force: true });
}
