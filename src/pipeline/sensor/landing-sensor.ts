/**
 * The landing-folder sensor: each poll lists the folder's data files and reports those that are
 * new (or changed) and have settled: the same size and modification time on two polls at least
 * `settleMs` apart, so a file still being copied is not picked up half-written. A file is reported
 * until `markPicked` records it (after its run finished); ingest itself skips content already
 * loaded, so a file reported twice (a restart) costs a hash, never a duplicate.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { classify } from '../../ingest/index.js';

export interface LandingSensor {
  readonly dir: string;
  /** Files ready to ingest at `nowMs`, sorted. A missing folder is an empty one. */
  poll(nowMs: number): readonly string[];
  /** These files (as last seen) were handed to a run that finished: do not report them again unless they change. */
  markPicked(files: readonly string[]): void;
  /** Files seen but not yet settled, for logs. */
  readonly settling: readonly string[];
  /** Why the last poll could not list the folder (other than its not existing yet), else null. */
  readonly problem: string | null;
}

interface Seen { readonly size: number; readonly mtimeMs: number; readonly since: number }

const fingerprint = (s: { size: number; mtimeMs: number }): string => `${s.size}:${s.mtimeMs}`;

export function createLandingSensor(options: { readonly dir: string; readonly settleMs: number }): LandingSensor {
  const dir = path.resolve(options.dir);
  const seen = new Map<string, Seen>();
  const picked = new Map<string, string>();
  let problem: string | null = null;
  const list = (): string[] => {
    try {
      const files = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith('.') && classify(e.name) !== null)
        .map((e) => path.join(dir, e.name))
        .sort();
      problem = null;
      return files;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Not there yet is normal; anything else (permissions, not a folder) must reach the operator.
      problem = code === 'ENOENT' ? null : `cannot list the landing folder ${dir}: ${code ?? String(error)}`;
      return [];
    }
  };
  return {
    dir,
    get problem() {
      return problem;
    },
    get settling() {
      return [...seen.keys()].filter((f) => !picked.has(f));
    },
    poll(nowMs) {
      const ready: string[] = [];
      const present = new Set<string>();
      for (const file of list()) {
        let stats;
        try {
          stats = statSync(file);
        } catch {
          continue; // removed between listing and stat
        }
        present.add(file);
        const print = fingerprint(stats);
        if (picked.get(file) === print) continue;
        const before = seen.get(file);
        if (!before || fingerprint(before) !== print) {
          seen.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, since: nowMs });
          continue;
        }
        if (nowMs - before.since >= options.settleMs) ready.push(file);
      }
      for (const file of [...seen.keys()]) if (!present.has(file)) seen.delete(file);
      for (const file of [...picked.keys()]) if (!present.has(file)) picked.delete(file);
      return ready;
    },
    markPicked(files) {
      for (const file of files) {
        const s = seen.get(file);
        if (s) picked.set(file, fingerprint(s));
      }
    },
  };
}
