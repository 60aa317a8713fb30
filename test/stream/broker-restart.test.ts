/**
 * A test-owned NATS server (its own port and store directory) is stopped and restarted while the
 * consumer is mid-stream: the consumer rides the outage out, and bronze still holds every event
 * exactly once with the books balanced.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, realDataDir, runCli, tempDir } from '../helpers/cli.js';
import { natsReachable, uniqueStream } from './nats-harness.js';

const binary = spawnSync('nats-server', ['--version']).status === 0;
if (!binary && process.env['CI']) throw new Error('nats-server is required in CI');
if (!binary) console.warn('\n!!! nats-server binary not found: SKIPPING the broker restart test !!!\n');

const scratch = tempDir('strata-broker-');
const port = 14_000 + Math.floor(Math.random() * 10_000);
const url = `nats://127.0.0.1:${port}`;
let server: ChildProcess | null = null;

async function startServer(): Promise<void> {
  const store = path.join(scratch.dir, 'jetstream');
  mkdirSync(store, { recursive: true });
  server = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await natsReachable(url, 200)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await natsReachable(url)).toBe(true);
}

async function stopServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null) return;
  const exited = new Promise((resolve) => s.once('exit', resolve));
  s.kill('SIGKILL');
  await exited;
}

afterAll(async () => {
  await stopServer();
  scratch.cleanup();
});

describe.skipIf(!binary)('a NATS server restarted mid-stream', () => {
  it('loses and doubles nothing', async () => {
    await startServer();
    const test = uniqueStream('restart');
    const env = { ...test.env, STRATA_NATS_URL: url };
    const days = ['2010-12-01.csv', '2010-12-02.csv', '2010-12-03.csv'].map((d) => path.join(realDataDir, d));
    const produced = await runCli(['--json', 'stream', 'produce', '--from', ...days], { dataDir: path.join(scratch.dir, 'producer'), env });
    expect(produced.code, produced.stderr).toBe(0);
    const events: number = produced.json.events;

    const dataDir = path.join(scratch.dir, 'data');
    const consumer = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, 'stream', 'consume', '--batch-size', '1000', '--until-idle', '2000', '--ack-wait-ms', '3000'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    consumer.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => consumer.on('close', resolve));
    const twoCommits = new Promise<void>((resolve) =>
      consumer.stderr!.on('data', (d) => {
        stderr += d;
        if ((stderr.match(/^committed /gm) ?? []).length >= 2) resolve();
      }),
    );
    await twoCommits;
    await stopServer();
    await new Promise((r) => setTimeout(r, 1500));
    await startServer();
    const timer = setTimeout(() => consumer.kill('SIGKILL'), 40_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, stderr.replace(/^committed .*\n/gm, '')).toBe(0);

    // Progress goes to stderr only without --json; the summary on stdout names the run's outcome.
    expect(stdout).toMatch(/: succeeded/);
    const instance = await DuckDBInstance.create(path.join(dataDir, 'strata.duckdb'), { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    try {
      const [row] = (
        await connection.runAndReadAll(
          `SELECT (SELECT count(*) FROM bronze.transactions_raw)::INTEGER AS rows,
                  (SELECT count(DISTINCT m.event_id) FROM bronze.transactions_raw r JOIN stream.messages m ON m.stream_seq = r._line)::INTEGER AS events,
                  (SELECT count(*) FROM bronze.batches WHERE status <> 'processed' OR rows_in <> rows_to_silver + rows_quarantined + duplicates_removed)::INTEGER AS unbalanced`,
        )
      ).getRowObjectsJson();
      expect(row).toEqual({ rows: events, events, unbalanced: 0 });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
