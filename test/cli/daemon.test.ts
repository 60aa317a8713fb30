/**
 * `strata daemon` as a real child process on a temp data folder: files dropped into the landing
 * folder are picked up once settled and loaded, the second day refreshes only its partition,
 * alerts are evaluated, every line is JSON, and SIGTERM stops it with exit code 0, also in the
 * middle of a run (which is then cancelled cleanly and completed by the next run).
 */
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir, runCli, tempDir } from '../helpers/cli.js';
import { startDaemon } from './daemon-harness.js';

const temps: (() => void)[] = [];
afterAll(() => temps.splice(0).forEach((cleanup) => cleanup()));

function dataDir(): { dir: string; landing: string } {
  const temp = tempDir('strata-daemon-');
  temps.push(temp.cleanup);
  const landing = path.join(temp.dir, 'landing');
  mkdirSync(landing);
  return { dir: temp.dir, landing };
}

describe('strata daemon', () => {
  it('loads files dropped into the landing folder, refreshes incrementally, evaluates alerts, and exits 0 on SIGTERM', async () => {
    const { dir, landing } = dataDir();
    const daemon = startDaemon(dir);
    try {
      await daemon.waitFor((l) => l['event'] === 'daemon_started');
      await daemon.waitFor((l) => l['event'] === 'alerts_evaluated');
      // A file arriving in parts: it is not picked up until it has stopped changing.
      const text = readFileSync(path.join(realDataDir, '2010-12-01.csv'), 'utf8');
      const first = path.join(landing, '2010-12-01.csv');
      writeFileSync(first, text.slice(0, 100_000));
      await daemon.waitFor((l) => l['event'] === 'sensor_settling');
      appendFileSync(first, text.slice(100_000));
      const ready = await daemon.waitFor((l) => l['event'] === 'sensor_files_ready');
      expect(ready['files']).toEqual([first]);
      const run1 = await daemon.waitFor((l) => l['event'] === 'run_finished');
      expect(run1).toMatchObject({ status: 'succeeded', command: 'sensor', files_loaded: 1, files_failed: 0 });
      expect(run1['run_id']).toMatch(/^run_/);
      // Only the whole file was loaded: every line of it reached bronze.
      expect(run1['rows_to_silver']).toBeGreaterThan(3000);

      copyFileSync(path.join(realDataDir, '2010-12-02.csv'), path.join(landing, '2010-12-02.csv'));
      const run2 = await daemon.waitFor((l) => l['event'] === 'run_finished' && l['run_id'] !== run1['run_id']);
      expect(run2).toMatchObject({ status: 'succeeded', files_loaded: 1 });
      const gold = run2['gold'] as { model: string; partitions?: unknown }[];
      expect(gold.find((g) => g.model === 'fact_sales')?.partitions).toEqual(['2010-12-02']);
      expect(gold.map((g) => g.model)).toContain('mart_customer_rfm');
      // Alerts are evaluated after each run as well as on their interval.
      await daemon.waitFor((l) => l['event'] === 'alerts_evaluated' && Number(l['time']) > Number(run2['time']));

      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
      expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped', reason: 'SIGTERM' });
      expect(daemon.lines.filter((l) => 'unparsed' in l)).toEqual([]);
      expect(daemon.lines.every((l) => l['service'] === 'strata' && typeof l['time'] === 'number')).toBe(true);
    } finally {
      daemon.child.kill('SIGKILL');
    }
    // The warehouse is closed and whole: a reader sees both days in gold.
    const q = await runCli(['query', '--json', 'SELECT count(DISTINCT date_key)::INTEGER AS days, (SELECT count(*) FROM silver.transactions)::INTEGER = count(*)::INTEGER AS complete FROM gold.fact_sales'], { dataDir: dir });
    expect(q.code).toBe(0);
    expect(q.json.rows).toEqual([{ days: 2, complete: true }]);
  }, 180_000);

  it('stops cleanly on SIGTERM in the middle of a run; the next run completes the work', async () => {
    const { dir, landing } = dataDir();
    const daemon = startDaemon(dir, { STRATA_SENSOR_SETTLE_MS: '0' });
    try {
      await daemon.waitFor((l) => l['event'] === 'daemon_started');
      for (const day of ['2010-12-01', '2010-12-02', '2010-12-03']) copyFileSync(path.join(realDataDir, `${day}.csv`), path.join(landing, `${day}.csv`));
      await daemon.waitFor((l) => l['event'] === 'run_requested');
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
      expect(daemon.lines.find((l) => l['event'] === 'daemon_stopping')).toMatchObject({ reason: 'SIGTERM', run_in_progress: true });
      expect(daemon.lines.at(-1)).toMatchObject({ event: 'daemon_stopped' });
    } finally {
      daemon.child.kill('SIGKILL');
    }
    // The cancelled run closed its books: nothing is left running or interrupted.
    const books = await runCli(['query', '--json', `SELECT count(*)::INTEGER AS runs, count(*) FILTER (WHERE status IN ('running', 'interrupted'))::INTEGER AS open FROM meta.runs`], { dataDir: dir });
    expect(books.json.rows[0]).toMatchObject({ open: 0 });
    expect(books.json.rows[0].runs).toBeGreaterThan(0);
    const again = await runCli(['run', '--json'], { dataDir: dir });
    expect(again.code).toBe(0);
    const q = await runCli(['query', '--json', 'SELECT count(DISTINCT date_key)::INTEGER AS days, (SELECT count(*) FROM silver.transactions)::INTEGER = count(*)::INTEGER AS complete FROM gold.fact_sales'], { dataDir: dir });
    expect(q.json.rows).toEqual([{ days: 3, complete: true }]);
  }, 180_000);
});
