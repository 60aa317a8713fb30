/**
 * Killing `strata run` with SIGKILL at any point, then running it again, must leave the same
 * warehouse as one clean run; the interrupted run is recorded as interrupted.
 */
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, realDataDir, runCli, tempDir } from '../helpers/cli.js';
import { queryWarehouse, warehouseFingerprint } from '../helpers/warehouse.js';

const scratch = tempDir('strata-crash-');
const input = path.join(scratch.dir, 'input');
let cleanPrint: Record<string, string>;

/** Starts `strata run` and SIGKILLs it after `ms`; resolves once it is dead. */
function runAndKill(dataDir: string, ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, 'run', input], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

beforeAll(async () => {
  // Sixty real trading days keep each run to a few seconds.
  const days = readdirSync(realDataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, 60);
  for (const day of days) cpSync(path.join(realDataDir, day), path.join(input, day));
  const clean = path.join(scratch.dir, 'clean');
  const result = await runCli(['run', input], { dataDir: clean });
  expect(result.code, result.stderr).toBe(0);
  cleanPrint = await warehouseFingerprint(path.join(clean, 'strata.duckdb'));
});

afterAll(() => scratch.cleanup());

describe('a run killed with SIGKILL', () => {
  for (const killAfterMs of [400, 1200, 2500, 4000]) {
    it(`killed after ${killAfterMs} ms, then run again, equals one clean run`, async () => {
      const dataDir = path.join(scratch.dir, `killed-${killAfterMs}`);
      const signal = await runAndKill(dataDir, killAfterMs);
      const again = await runCli(['--json', 'run', input], { dataDir });
      expect(again.code, again.stderr).toBe(0);
      expect(await warehouseFingerprint(path.join(dataDir, 'strata.duckdb'))).toEqual(cleanPrint);
      if (signal === 'SIGKILL') {
        const runs = await queryWarehouse<{ status: string }>(path.join(dataDir, 'strata.duckdb'), 'SELECT status FROM meta.runs ORDER BY started_at');
        // The killed run either never recorded itself or is now marked interrupted; none stays "running".
        expect(runs.map((r) => r.status)).not.toContain('running');
        expect(runs.at(-1)?.status).toBe('succeeded');
      }
    });
  }

  it('re-running on the same inputs changes nothing', async () => {
    const dataDir = path.join(scratch.dir, 'clean');
    const again = await runCli(['--json', 'run', input], { dataDir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.files.every((f: { status: string }) => f.status === 'skipped')).toBe(true);
    expect(again.json.totals).toEqual({ rows_in: 0, rows_to_silver: 0, rows_quarantined: 0, duplicates_removed: 0 });
    expect(await warehouseFingerprint(path.join(dataDir, 'strata.duckdb'))).toEqual(cleanPrint);
  });
});
