/**
 * The shared demo warehouse is built under a lock directory. A lock left behind by a test process
 * that was killed mid-build must be taken over, not waited out (CI once waited 300 s on one).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { lockHolderGone } from './helpers/demo-warehouse.js';

describe('demo warehouse build lock', () => {
  const dir = tempDir('strata-lock-');
  afterAll(() => dir.cleanup());
  const lockWith = (name: string, pid?: number): string => {
    const lock = path.join(dir.dir, name);
    mkdirSync(lock);
    if (pid !== undefined) writeFileSync(path.join(lock, 'pid'), String(pid));
    return lock;
  };

  it('is held while its process runs', () => {
    expect(lockHolderGone(lockWith('alive', process.pid))).toBe(false);
  });

  it('is stale once its process has exited', () => {
    const exited = spawnSync(process.execPath, ['-e', '0']);
    expect(exited.status).toBe(0);
    expect(lockHolderGone(lockWith('dead', exited.pid))).toBe(true);
  });

  it('gives a fresh lock without a pid yet the benefit of the doubt', () => {
    expect(lockHolderGone(lockWith('fresh'))).toBe(false);
  });
});
