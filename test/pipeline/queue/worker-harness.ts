/**
 * Real `strata worker` and `strata run` processes (the built CLI) for the queue tests: one Redis
 * key prefix per test, one shared warehouse, workers' job events read from their NDJSON output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { projectRoot } from '../../helpers/cli.js';

export interface WorkerEventLine {
  readonly kind: string;
  readonly worker?: string;
  readonly jobId?: string;
  readonly step?: string;
  readonly status?: string;
  readonly delivery?: number;
  readonly recovered?: boolean;
  readonly error?: string;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly events: WorkerEventLine[];
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when an event matching `match` has been printed. */
  waitFor(match: (event: WorkerEventLine) => boolean, timeoutMs?: number): Promise<WorkerEventLine>;
}

/** A Redis key prefix of this branch's tests, unique to the run. */
export const workersPrefix = (label: string): string => `workers-test:${label}:${Date.now().toString(36)}${randomUUID().slice(0, 6)}:`;

export function startWorkerProcess(dataDir: string, env: Record<string, string>, args: readonly string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, '--json', 'worker', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEventLine[] = [];
  const waiters: { match: (e: WorkerEventLine) => boolean; resolve: (e: WorkerEventLine) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as WorkerEventLine;
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.match(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    waitFor(match, timeoutMs = 60_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker printed no matching event within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

/** Stops a worker the polite way (SIGTERM: running jobs finish) and waits for it. */
export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 20_000);
  await worker.exited;
  clearTimeout(timer);
}
