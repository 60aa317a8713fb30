/**
 * `strata daemon` with STRATA_EXECUTION=queue, as real child processes beside one real
 * `strata worker` on the machine's Redis (a key prefix per test): a file dropped in the landing
 * folder is picked up by the daemon's sensor, every step of the run is executed by the worker (its
 * id in the worker's job events and in the run history), so is a cron schedule's run, and SIGTERM
 * stops both with exit code 0.
 * On a DuckDB file the idle daemon does not hold the file (a read-only `strata query` opens it
 * while the daemon runs); on PostgreSQL each test has a database of its own.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir, runCli, tempDir } from '../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres.js';
import { queryPostgres, queryWarehouse } from '../helpers/warehouse.js';
import { REDIS_URL, dropPrefix, requireRedis } from '../api/backends/redis-harness.js';
import { startWorkerProcess, stopWorker, workersPrefix, type WorkerProcess } from '../pipeline/queue/worker-harness.js';
import { startDaemon, type Daemon } from './daemon-harness.js';

const redisUp = await requireRedis();
const pgUp = redisUp && (await postgresUnavailable()) === null;

describe.each([
  { engine: 'duckdb', enabled: redisUp },
  { engine: 'postgres', enabled: pgUp },
] as const)('strata daemon with queue execution ($engine)', ({ engine, enabled }) => {
  if (!enabled) {
    it.skip('needs Redis (and PostgreSQL for this engine)', () => undefined);
    return;
  }
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 60_000);

  /** A data folder with its landing folder, a Redis prefix and (PostgreSQL) a database, all removed afterwards. */
  const setup = async (): Promise<{ dir: string; landing: string; env: Record<string, string>; query: <T>(sql: string) => Promise<T[]> }> => {
    const temp = tempDir(`strata-daemon-queue-${engine}-`);
    cleanups.push(temp.cleanup);
    const landing = path.join(temp.dir, 'landing');
    mkdirSync(landing);
    const prefix = workersPrefix(`daemon-${engine}`);
    cleanups.push(() => dropPrefix(REDIS_URL, prefix));
    let database: TestDatabase | null = null;
    if (engine === 'postgres') {
      database = await createTestDatabase();
      cleanups.push(() => database!.drop());
    }
    const warehouseEnv: Record<string, string> = database ? { STRATA_WAREHOUSE_URL: database.url } : {};
    const query = <T>(sql: string): Promise<T[]> => (database ? queryPostgres<T>(database.url, sql) : queryWarehouse<T>(path.join(temp.dir, 'strata.duckdb'), sql));
    const env = { STRATA_REDIS_URL: REDIS_URL, STRATA_REDIS_KEY_PREFIX: prefix, STRATA_WORKER_LOCK_MS: '5000', ...warehouseEnv };
    return { dir: temp.dir, landing, env, query };
  };
  /** The steps `worker` finished successfully for `runId`. */
  const stepsFor = (worker: WorkerProcess, runId: string): string[] => {
    const jobs = new Set(worker.events.filter((e) => e.kind === 'job_started' && (e as { runId?: string }).runId === runId).map((e) => e.jobId));
    return worker.events.filter((e) => e.kind === 'job_finished' && e.status === 'succeeded' && jobs.has(e.jobId)).map((e) => e.step!);
  };

  it('dispatches the sensor-triggered run to a worker, records the worker per step, and stops both on SIGTERM', async () => {
    const { dir, landing, env, query } = await setup();
    const worker: WorkerProcess = startWorkerProcess(dir, { ...env, STRATA_LOG_LEVEL: 'warn', STRATA_WORKER_CONCURRENCY: '1' });
    let daemon: Daemon | null = null;
    try {
      const ready = await worker.waitFor((e) => e.kind === 'worker_ready');
      daemon = startDaemon(dir, { ...env, STRATA_EXECUTION: 'queue', STRATA_SENSOR_SETTLE_MS: '300' });
      expect(await daemon.waitFor((l) => l['event'] === 'daemon_started')).toMatchObject({ execution: 'queue' });
      // The alert rules are evaluated on either engine.
      const alerted = 'alerts_evaluated';
      await daemon.waitFor((l) => l['event'] === alerted);

      copyFileSync(path.join(realDataDir, '2010-12-01.csv'), path.join(landing, '2010-12-01.csv'));
      const run = await daemon.waitFor((l) => l['event'] === 'run_finished', 150_000);
      expect(run).toMatchObject({ status: 'succeeded', command: 'sensor', files_loaded: 1, files_failed: 0 });
      expect(run['rows_to_silver']).toBeGreaterThan(3000);
      // Alerts are evaluated after the run too, through the same warehouse access.
      await daemon.waitFor((l) => l['event'] === alerted && Number(l['time']) > Number(run['time']));
      // With gold built, every SQL rule evaluates on either engine (before it, those on gold cannot).
      const ruleErrors = daemon.lines.filter((l) => l['code'] === 'STRATA_ERR_ALERT_RULE' && Number(l['time']) > Number(run['time']));
      expect(ruleErrors.map((l) => `${String(l['rule'])}: ${String(l['error'])}`)).toEqual([]);

      // The worker ran the run's steps: ingest, quality, and the gold models.
      const ran = stepsFor(worker, String(run['run_id']));
      expect(ran).toContain('ingest');
      expect(ran).toContain('quality_silver');
      expect(ran).toContain('gold.fact_sales');
      const workerId = ready.worker!;
      expect(worker.events.filter((e) => e.kind === 'job_finished').every((e) => e.worker === workerId)).toBe(true);

      if (engine === 'duckdb') {
        // Between runs the daemon holds no lock on the file: another process opens it.
        const peek = await runCli(['query', '--json', 'SELECT count(*)::INTEGER AS runs FROM meta.runs'], { dataDir: dir });
        expect(peek.code, peek.stderr).toBe(0);
        expect(peek.json.rows).toEqual([{ runs: 1 }]);
      }

      daemon.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped', reason: 'SIGTERM' });
      expect(daemon.lines.filter((l) => 'unparsed' in l)).toEqual([]);

      // The run history names the worker for every step it ran.
      const history = await query<{ step_id: string; worker: string | null }>(
        `SELECT step_id, detail->>'worker' AS worker FROM meta.events WHERE run_id = '${String(run['run_id'])}' AND kind = 'step_succeeded' ORDER BY event_id`,
      );
      expect(history.map((h) => h.step_id).sort()).toEqual([...ran].sort());
      expect(new Set(history.map((h) => h.worker))).toEqual(new Set([workerId]));
      const books = await query<{ status: string; command: string }>(`SELECT status, command FROM meta.runs`);
      expect(books).toEqual([{ status: 'succeeded', command: 'sensor' }]);
      const gold = await query<{ complete: boolean }>('SELECT (SELECT count(*) FROM silver.transactions) = count(*) AS complete FROM gold.fact_sales');
      expect(gold).toEqual([{ complete: true }]);
    } finally {
      daemon?.child.kill('SIGKILL');
      await stopWorker(worker);
    }
  }, 240_000);

  it('dispatches a schedule-triggered run to the worker', async () => {
    const { dir, landing, env, query } = await setup();
    copyFileSync(path.join(realDataDir, '2010-12-02.csv'), path.join(landing, '2010-12-02.csv'));
    const worker = startWorkerProcess(dir, { ...env, STRATA_LOG_LEVEL: 'warn', STRATA_WORKER_CONCURRENCY: '1' });
    let daemon: Daemon | null = null;
    try {
      const ready = await worker.waitFor((e) => e.kind === 'worker_ready');
      daemon = startDaemon(dir, {
        ...env,
        STRATA_EXECUTION: 'queue',
        STRATA_SENSOR_INTERVAL_MS: '0',
        STRATA_SCHEDULES: JSON.stringify([{ name: 'tick', cron: '*/2 * * * * *', timezone: 'UTC', job: 'full' }]),
      });
      const run = await daemon.waitFor((l) => l['event'] === 'run_finished', 150_000);
      expect(run).toMatchObject({ status: 'succeeded', command: 'schedule:tick', files_loaded: 1 });
      const ran = stepsFor(worker, String(run['run_id']));
      expect(ran).toContain('ingest');
      expect(ran).toContain('gold.fact_sales');
      daemon.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      const history = await query<{ worker: string | null }>(`SELECT DISTINCT detail->>'worker' AS worker FROM meta.events WHERE run_id = '${String(run['run_id'])}' AND kind = 'step_succeeded'`);
      expect(history).toEqual([{ worker: ready.worker }]);
      // Later ticks may have been cancelled by SIGTERM; none is left running.
      const open = await query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meta.runs WHERE status IN ('running', 'interrupted')`);
      expect(open).toEqual([{ n: 0 }]);
    } finally {
      daemon?.child.kill('SIGKILL');
      await stopWorker(worker);
    }
  }, 240_000);

  it('stops cleanly on SIGTERM while a worker runs one of its steps; nothing is left running', async () => {
    const { dir, landing, env, query } = await setup();
    const worker = startWorkerProcess(dir, { ...env, STRATA_LOG_LEVEL: 'warn', STRATA_WORKER_CONCURRENCY: '1' });
    let daemon: Daemon | null = null;
    try {
      await worker.waitFor((e) => e.kind === 'worker_ready');
      daemon = startDaemon(dir, { ...env, STRATA_EXECUTION: 'queue', STRATA_SENSOR_SETTLE_MS: '0' });
      await daemon.waitFor((l) => l['event'] === 'daemon_started');
      for (const day of ['2010-12-01', '2010-12-02', '2010-12-03']) copyFileSync(path.join(realDataDir, `${day}.csv`), path.join(landing, `${day}.csv`));
      await worker.waitFor((e) => e.kind === 'job_started', 120_000);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
      expect(daemon.lines.find((l) => l['event'] === 'daemon_stopping')).toMatchObject({ reason: 'SIGTERM', run_in_progress: true });
      expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
      // The step already on the worker finishes there; then the worker stops too.
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      const books = await query<{ runs: number; open: number }>(`SELECT count(*)::INTEGER AS runs, count(*) FILTER (WHERE status IN ('running', 'interrupted'))::INTEGER AS open FROM meta.runs`);
      expect(books).toEqual([{ runs: 1, open: 0 }]);
    } finally {
      daemon?.child.kill('SIGKILL');
      await stopWorker(worker);
    }
  }, 240_000);
});
