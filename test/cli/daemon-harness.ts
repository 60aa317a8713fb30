/** `strata daemon` as a real child process: its JSON log lines, read as they come, and its exit. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../helpers/cli.js';

export interface Daemon {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly raw: string[];
  waitFor(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDaemon(dataDir: string, env: Record<string, string> = {}): Daemon {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, 'daemon'], {
    cwd: projectRoot,
    env: { ...process.env, STRATA_LOG_LEVEL: 'info', STRATA_SENSOR_INTERVAL_MS: '200', STRATA_SENSOR_SETTLE_MS: '600', STRATA_ALERTS_INTERVAL_MS: '600000', STRATA_SCHEDULES: '[]', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const waiters: { predicate: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!text.trim()) continue;
      raw.push(text);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { unparsed: text };
      }
      lines.push(line);
      for (const w of [...waiters]) if (w.predicate(line)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(line));
    }
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    raw,
    exited,
    waitFor(predicate, timeoutMs = 90_000) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; log so far:\n${raw.join('\n')}`)), timeoutMs);
        waiters.push({ predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}
