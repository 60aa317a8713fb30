/**
 * One demo warehouse (the real 541,909 rows through the real pipeline) shared by every API test
 * file: the first file to need it builds it with the CLI under a lock, the others wait, and each
 * file works on its own copy. The build is keyed by the models and the built pipeline code, so a
 * change to either rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot, runCli } from '../../helpers/cli.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

function fixtureKey(): string {
  const hash = createHash('sha256');
  const dirs = ['models', 'dist/src/ingest', 'dist/src/quality', 'dist/src/pipeline', 'dist/src/engine'].map((d) => path.join(projectRoot, d));
  for (const file of dirs.flatMap(filesUnder)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when the lock's holder process no longer runs (or never wrote its pid within 10 s). */
export function lockHolderGone(lock: string): boolean {
  try {
    const pid = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      try {
        return Date.now() - statSync(lock).mtimeMs > 10_000;
      } catch {
        return false;
      }
    }
    return true;
  }
}

/** Path of the shared, fully built demo warehouse (built on first use). */
export async function sharedDemoWarehouse(): Promise<string> {
  if (!existsSync(path.join(projectRoot, 'dist', 'src', 'cli', 'main.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: 'ignore' });
  }
  const base = path.join(os.tmpdir(), `strata-api-fixture-${fixtureKey()}`);
  const done = path.join(base, 'done');
  const lock = `${base}.lock`;
  for (let waited = 0; !existsSync(done); waited += 500) {
    try {
      mkdirSync(lock);
    } catch {
      // A lock left by a killed test process (its holder is gone) is taken over, not waited out.
      if (lockHolderGone(lock)) rmSync(lock, { recursive: true, force: true });
      else if (waited > 300_000) throw new Error(`gave up waiting for ${lock}`);
      else await sleep(500);
      continue;
    }
    try {
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      rmSync(base, { recursive: true, force: true });
      const result = await runCli(['--json', 'demo'], { dataDir: base, timeoutMs: 280_000 });
      if (result.code !== 0) throw new Error(`demo load failed: ${result.stderr.slice(0, 2000)}`);
      writeFileSync(done, new Date().toISOString());
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return path.join(base, 'strata.duckdb');
}

/** A private copy of the shared warehouse in a fresh data folder. */
export async function demoWarehouseCopy(): Promise<{ dataDir: string; cleanup: () => void }> {
  const source = await sharedDemoWarehouse();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strata-api-test-'));
  copyFileSync(source, path.join(dataDir, 'strata.duckdb'));
  return { dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
