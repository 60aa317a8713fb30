/**
 * Several orchestrators on one PostgreSQL warehouse, as real child processes: a run is owned by
 * the process that started it, which keeps its heartbeat fresh, so another orchestrator starting
 * (or supervising) beside it never marks it interrupted, and the run completes; a run whose
 * orchestrator was SIGKILLed is marked interrupted, by a later orchestrator, once the heartbeat
 * expiry has passed and not before. The run is held mid-pull by a real HTTP shop that answers its
 * second page only when the test says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, runCli, startServeProcess, tempDir } from '../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres.js';
import { queryPostgres } from '../helpers/warehouse.js';
import { shopRows, startFlakyShop, type FlakyShop } from '../pipeline/external/flaky-shop.js';
import { startDaemon, type Daemon } from './daemon-harness.js';

const pgUp = (await postgresUnavailable()) === null;

const API_ENV = {
  STRATA_JWT_SECRET: 'ownership-test-secret-0123456789-abcdefghij',
  STRATA_ADMIN_PASSWORD: 'ownership-admin-password-1',
  STRATA_API_RATE_LIMIT_MAX: '100000',
  STRATA_API_RATE_LIMIT_IP_MAX: '100000',
  STRATA_API_LOGIN_RATE_LIMIT_MAX: '1000',
};

interface RunRow {
  readonly run_id: string;
  readonly status: string;
  readonly owner_id: string | null;
  readonly heartbeat_ms: number | null;
}

describe.runIf(pgUp)('run ownership on a shared PostgreSQL warehouse', () => {
  const scratch = tempDir('strata-ownership-');
  const children: ChildProcess[] = [];
  const daemons: Daemon[] = [];
  let shop: FlakyShop;
  let database: TestDatabase;
  const empty = path.join(scratch.dir, 'nothing-new');

  beforeAll(async () => {
    shop = await startFlakyShop({ '/orders': shopRows(30, 3) });
    database = await createTestDatabase();
    mkdirSync(empty, { recursive: true });
    // The first orchestrator migrates the database.
    const first = await runCli(['--json', 'ingest', empty], { dataDir: path.join(scratch.dir, 'first'), env: env(60_000) });
    expect(first.code, first.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const daemon of daemons) if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    await Promise.all(daemons.map((d) => d.exited));
    await shop.close();
    await database.drop();
    scratch.cleanup();
  }, 60_000);

  const env = (expiryMs: number): Record<string, string> => ({
    STRATA_WAREHOUSE_URL: database.url,
    STRATA_RUN_HEARTBEAT_EXPIRY_MS: String(expiryMs),
    STRATA_HTTP_SOURCES: JSON.stringify({ shop: { url: `${shop.url}/orders`, pageSize: 10, ratePerSecond: 1000, burst: 100, requestTimeoutMs: 120_000, maxAttempts: 1 } }),
  });
  /** `strata serve` on an ephemeral port. */
  const serve = (dataDir: string, extra: Record<string, string>): { child: ChildProcess; url: Promise<string>; exited: Promise<{ code: number | null }> } => {
    const started = startServeProcess(dataDir, { ...API_ENV, STRATA_LOG_LEVEL: 'warn', ...extra });
    children.push(started.child);
    return started;
  };
  const runs = (): Promise<RunRow[]> =>
    queryPostgres<RunRow>(
      database.url,
      `SELECT run_id, status, owner_id, (extract(epoch FROM heartbeat_at) * 1000)::float8 AS heartbeat_ms FROM meta.runs ORDER BY started_at`,
    );
  const interruptedEvents = async (runId: string): Promise<number> =>
    Number((await queryPostgres<{ n: string }>(database.url, `SELECT count(*) AS n FROM meta.events WHERE run_id = '${runId}' AND kind = 'run_interrupted'`))[0]!.n);
  const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** `strata pull shop` as a child, held on the shop's second page until `release`; resolves once its run is recorded and held. */
  async function heldPull(dataDir: string, expiryMs: number): Promise<{ child: ChildProcess; runId: string; release: () => void; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> }> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    shop.reset((page) => (page === 2 ? { until: gate } : null));
    const before = new Set((await runs()).map((r) => r.run_id));
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, '--json', 'pull', 'shop'], {
      cwd: projectRoot,
      env: { ...process.env, ...env(expiryMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.resume();
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout })));
    await until('the pull to wait on page 2', async () => (shop.requests.some((r) => r.page === 2) ? true : undefined));
    const run = await until('the held run in meta.runs', async () => (await runs()).find((r) => !before.has(r.run_id) && r.status === 'running'));
    return { child, runId: run.run_id, release, done };
  }

  it('leaves a live run alone when a second orchestrator starts and supervises beside it; the run completes', async () => {
    const expiryMs = 2000;
    const dataDir = path.join(scratch.dir, 'live');
    const pull = await heldPull(dataDir, expiryMs);
    const [first] = (await runs()).filter((r) => r.run_id === pull.runId);
    expect(first?.owner_id).toMatch(new RegExp(`:${pull.child.pid}:`));

    // The daemon's sensor keeps it alive (an empty landing folder); PostgreSQL cannot run the alert rules yet.
    const daemon = startDaemon(dataDir, { ...env(expiryMs), STRATA_ALERTS_INTERVAL_MS: '0' });
    daemons.push(daemon);
    await daemon.waitFor((l) => l['event'] === 'daemon_started');
    // Three expiries with the pull held: the daemon looked for dead runs at start and every second since.
    await new Promise((resolve) => setTimeout(resolve, 3 * expiryMs));
    const [held] = (await runs()).filter((r) => r.run_id === pull.runId);
    expect(held).toMatchObject({ status: 'running', owner_id: first!.owner_id });
    expect(held!.heartbeat_ms).toBeGreaterThan(first!.heartbeat_ms!);
    expect(daemon.lines.filter((l) => l['event'] === 'runs_interrupted')).toEqual([]);

    // `strata status` shows it running, with its owner and a fresh heartbeat.
    const status = await runCli(['--json', 'status'], { dataDir, env: env(expiryMs) });
    expect(status.code, status.stderr).toBe(0);
    expect(status.json.runs.find((r: { run_id: string }) => r.run_id === pull.runId)).toMatchObject({ status: 'running', owner_id: first!.owner_id });

    pull.release();
    const finished = await pull.done;
    expect(finished.code).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ run_id: pull.runId, status: 'succeeded', totals: { rows_in: 30 } });
    expect((await runs()).find((r) => r.run_id === pull.runId)).toMatchObject({ status: 'succeeded' });
    expect(await interruptedEvents(pull.runId)).toBe(0);

    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('marks the run of a SIGKILLed orchestrator interrupted once the expiry has passed, not before', async () => {
    const expiryMs = 10_000;
    const dataDir = path.join(scratch.dir, 'killed');
    const pull = await heldPull(dataDir, expiryMs);
    pull.child.kill('SIGKILL');
    expect((await pull.done).signal).toBe('SIGKILL');
    const killedAt = Date.now();

    // An orchestrator starting at once finds the heartbeat still fresh: the run may be alive.
    const ingest = await runCli(['--json', 'ingest', empty], { dataDir, env: env(expiryMs) });
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(ingest.stderr).not.toMatch(/interrupted/);
    expect(Date.now() - killedAt).toBeLessThan(expiryMs);
    expect((await runs()).find((r) => r.run_id === pull.runId)).toMatchObject({ status: 'running' });

    // `strata serve` living on finds it once the heartbeat is older than the expiry; its run history says so.
    const server = serve(dataDir, env(expiryMs));
    const url = await server.url;
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: API_ENV.STRATA_ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const apiRun = async (): Promise<{ run_id: string; status: string; error: string | null } | undefined> => {
      const response = await fetch(`${url}/api/v1/runs?limit=50`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { runs: { run_id: string; status: string; error: string | null }[] }).runs.find((r) => r.run_id === pull.runId);
    };
    const marked = await until('the API to show the run interrupted', async () => ((await apiRun())?.status === 'interrupted' ? Date.now() - killedAt : undefined));
    // The last heartbeat came at most a quarter of the expiry before the kill.
    expect(marked).toBeGreaterThanOrEqual(expiryMs * 0.75 - 250);
    expect(await apiRun()).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/stopped before the run finished/) });
    expect((await runs()).find((r) => r.run_id === pull.runId)).toMatchObject({ status: 'interrupted' });
    expect(await interruptedEvents(pull.runId)).toBe(1);

    const status = await runCli(['--json', 'status'], { dataDir, env: env(expiryMs) });
    expect(status.json.runs.find((r: { run_id: string }) => r.run_id === pull.runId)).toMatchObject({ status: 'interrupted' });

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 180_000);
});
