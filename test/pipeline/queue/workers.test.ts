/**
 * Queue execution with real processes: `strata run` with STRATA_EXECUTION=queue enqueues its
 * steps on BullMQ queues in the machine's Redis, and real `strata worker` children run them
 * against one warehouse. Two workers share one run's jobs; a worker SIGKILLed mid-job has its job
 * handed to another (BullMQ's stalled-job check once its lock lapses), and the warehouse ends
 * identical, table by table, to a clean in-process run of the same files. Both on a DuckDB file
 * (one process at a time, through the Redis file lease) and on PostgreSQL (every worker holds its
 * own connection; each scenario a database of its own, the reference run too).
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataDir, runCli, tempDir } from '../../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../../helpers/postgres.js';
import { postgresFingerprint, queryPostgres, queryWarehouse, warehouseFingerprint } from '../../helpers/warehouse.js';
import { REDIS_URL, dropPrefix, requireRedis } from '../../api/backends/redis-harness.js';
import { startWorkerProcess, stopWorker, workersPrefix, type WorkerProcess } from './worker-harness.js';

const redisUp = await requireRedis();
const pgUp = redisUp && (await postgresUnavailable()) === null;
const DAYS = 8;
const LOCK_MS = 2000;

/** The warehouse of one data folder: the settings that select it, and how the test reads it. */
interface TestWarehouse {
  readonly env: Record<string, string>;
  fingerprint(): Promise<Record<string, string>>;
  query<T>(sql: string): Promise<T[]>;
}

describe.each([
  { engine: 'duckdb', enabled: redisUp },
  { engine: 'postgres', enabled: pgUp },
] as const)('strata worker: queue execution with real workers ($engine)', ({ engine, enabled }) => {
  const databases: TestDatabase[] = [];
  const warehouseOf = async (dataDir: string): Promise<TestWarehouse> => {
    if (engine === 'duckdb') {
      const file = path.join(dataDir, 'strata.duckdb');
      return { env: {}, fingerprint: () => warehouseFingerprint(file), query: (sql) => queryWarehouse(file, sql) };
    }
    const db = await createTestDatabase();
    databases.push(db);
    return { env: { STRATA_WAREHOUSE_URL: db.url }, fingerprint: () => postgresFingerprint(db.url), query: (sql) => queryPostgres(db.url, sql) };
  };
  if (!enabled) {
    it.skip('needs Redis (and PostgreSQL for this engine)', () => undefined);
    return;
  }
  const root = tempDir(`strata-workers-${engine}-`);
  const landing = path.join(root.dir, 'landing');
  const prefixes: string[] = [];
  const workers: WorkerProcess[] = [];
  let clean: Record<string, string> = {};

  const envFor = (prefix: string): Record<string, string> => ({
    STRATA_REDIS_URL: REDIS_URL,
    STRATA_REDIS_KEY_PREFIX: prefix,
    STRATA_WORKER_LOCK_MS: String(LOCK_MS),
    STRATA_WORKER_CONCURRENCY: '1',
    STRATA_LOG_LEVEL: 'warn',
  });
  const newPrefix = (label: string): string => {
    const prefix = workersPrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  const worker = (dataDir: string, prefix: string, warehouse: TestWarehouse): WorkerProcess => {
    const w = startWorkerProcess(dataDir, { ...envFor(prefix), ...warehouse.env });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    mkdirSync(landing, { recursive: true });
    for (const file of readdirSync(demoDataDir).filter((f) => f.endsWith('.csv.gz')).sort().slice(0, DAYS)) copyFileSync(path.join(demoDataDir, file), path.join(landing, file));
    const reference = path.join(root.dir, 'clean');
    const warehouse = await warehouseOf(reference);
    const run = await runCli(['--json', 'run', landing], { dataDir: reference, env: warehouse.env });
    expect(run.code, run.stderr).toBe(0);
    clean = await warehouse.fingerprint();
    // A real reference: silver and gold hold rows (two empty warehouses would also be equal).
    expect(clean['silver.transactions']).toMatch(/^[1-9]\d*:/);
    expect(clean['gold.fact_sales']).toMatch(/^[1-9]\d*:/);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    for (const prefix of prefixes) await dropPrefix(REDIS_URL, prefix);
    for (const db of databases) await db.drop();
    root.cleanup();
  }, 60_000);

  it('two workers share the jobs of one run, and the warehouse equals a clean in-process run', async () => {
    const dataDir = path.join(root.dir, 'shared');
    const prefix = newPrefix('share');
    const warehouse = await warehouseOf(dataDir);
    const [a, b] = [worker(dataDir, prefix, warehouse), worker(dataDir, prefix, warehouse)];
    await Promise.all([a!.waitFor((e) => e.kind === 'worker_ready'), b!.waitFor((e) => e.kind === 'worker_ready')]);

    const run = await runCli(['--json', 'run', landing], { dataDir, env: { ...envFor(prefix), ...warehouse.env, STRATA_EXECUTION: 'queue' }, timeoutMs: 170_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.status).toBe('succeeded');
    expect(run.json.totals.rows_in).toBe(run.json.totals.rows_to_silver + run.json.totals.rows_quarantined + run.json.totals.duplicates_removed);

    const doneBy = (w: WorkerProcess): string[] => w.events.filter((e) => e.kind === 'job_finished' && e.status === 'succeeded').map((e) => e.step!);
    expect(doneBy(a!).length, 'worker a ran jobs').toBeGreaterThan(0);
    expect(doneBy(b!).length, 'worker b ran jobs').toBeGreaterThan(0);
    // Every planned step ran exactly once, on one of the two.
    const steps = [...doneBy(a!), ...doneBy(b!)].sort();
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toContain('ingest');
    expect(steps).toContain('quality_silver');
    expect(steps).toContain('gold.fact_sales');

    // The run history records which worker ran each step, and both appear.
    await Promise.all([stopWorker(a!), stopWorker(b!)]);
    const history = await warehouse.query<{ step_id: string; worker: string }>(
      `SELECT step_id, detail->>'worker' AS worker FROM meta.events WHERE run_id = '${String(run.json.run_id)}' AND kind = 'step_succeeded' ORDER BY event_id`,
    );
    expect(history.map((h) => h.step_id).sort()).toEqual(steps);
    expect(new Set(history.map((h) => h.worker)).size).toBe(2);

    expect(await warehouse.fingerprint()).toEqual(clean);
  }, 180_000);

  it('a worker SIGKILLed mid-job: another worker retries the job and the warehouse equals a clean run', async () => {
    const dataDir = path.join(root.dir, 'killed');
    const prefix = newPrefix('kill');
    const warehouse = await warehouseOf(dataDir);
    const doomed = worker(dataDir, prefix, warehouse);
    await doomed.waitFor((e) => e.kind === 'worker_ready');

    const run = runCli(['--json', 'run', landing], { dataDir, env: { ...envFor(prefix), ...warehouse.env, STRATA_EXECUTION: 'queue' }, timeoutMs: 170_000 });
    // quality_silver is the biggest transaction: kill its worker as soon as it starts it.
    const started = await doomed.waitFor((e) => e.kind === 'job_started' && e.step === 'quality_silver', 120_000);
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    expect(doomed.events.some((e) => e.kind === 'job_finished' && e.jobId === started.jobId)).toBe(false);

    const heir = worker(dataDir, prefix, warehouse);
    const redelivered = await heir.waitFor((e) => e.kind === 'job_started' && e.jobId === started.jobId, 60_000);
    // The same job (same attempt of the run), handed out a second time after its lock lapsed.
    expect(redelivered.delivery).toBe(2);

    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.status).toBe('succeeded');
    await stopWorker(heir);

    // Silver committed once: one materialisation for the step, whichever worker got to commit.
    const materialized = await warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meta.events WHERE kind = 'asset_materialized' AND step_id = 'quality_silver'`);
    expect(materialized[0]?.n).toBe(1);
    expect(await warehouse.fingerprint()).toEqual(clean);
  }, 180_000);
});
