/** Runs the built `strata` CLI as a user would: a real child process, its own data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const realDataDir = path.resolve(projectRoot, '..', 'shared', 'data', 'online-retail', 'by-day');
export const demoDataDir = path.join(projectRoot, 'demo', 'online-retail');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- shape depends on the command
}

export function tempDir(prefix = 'strata-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runCli(args: readonly string[], options: { dataDir: string; env?: Record<string, string>; timeoutMs?: number } ): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', options.dataDir, ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The URL `strata serve --json` prints once it listens; rejects if the process exits first. */
  readonly url: Promise<string>;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

/** A real `strata serve` process on an ephemeral port, with `env` over the test's own environment. */
export function startServeProcess(dataDir: string, env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, '--json', 'serve', '--port', '0'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      try {
        resolve((JSON.parse(stdout) as { url: string }).url);
      } catch {
        // not all of the JSON yet
      }
    });
    void exited.then(({ code }) => reject(new Error(`strata serve exited (${code}) before listening: ${stderr.slice(0, 2000)}`)));
  });
  // A test that never awaits the URL (the process is expected to fail) must not see an unhandled rejection.
  url.catch(() => undefined);
  return { child, url, exited };
}
