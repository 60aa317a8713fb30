/**
 * Reads sources into bronze, then re-reads on their own the lines a broken quote swallowed into
 * one rejected record (the opening line stays rejected), until nothing is left to re-read. A
 * stray quote therefore costs one quarantined line, not the rest of the file.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { WarehouseSession } from '../engine/index.js';
import { loadPass, type GroupShape, type LoadSource, type Swallowed } from './csv-pass.js';
import { scanTextFile } from './file-scan.js';
import { extractLineRanges } from './line-segments.js';

/** Nested broken quotes are re-read this deep; deeper ones stay one rejected record. */
const MAX_REREAD_DEPTH = 16;

type ReadMode = 'parallel' | 'serial';

interface Pending {
  readonly sources: readonly LoadSource[];
  readonly depth: number;
  /** How to read them, then how to read one of them again alone if its lines do not add up. */
  readonly modes: readonly ReadMode[];
}

/**
 * Sources whose records span lines are read by one thread first (the parallel reader misplaces
 * rejects around such quotes), the others in parallel; either way, the other mode is the
 * fallback. Returns the blank lines skipped per batch, re-read lines included.
 */
export async function readSources(tx: WarehouseSession, sources: readonly LoadSource[], shape: GroupShape, stagingDir: string): Promise<Map<string, number>> {
  const written: string[] = [];
  const blankLines = new Map<string, number>();
  const spanning = (s: LoadSource): boolean => s.scan.multiLineRecords.length > 0;
  const queue: Pending[] = [
    { sources: sources.filter((s) => !spanning(s)), depth: 0, modes: ['parallel', 'serial'] },
    { sources: sources.filter(spanning), depth: 0, modes: ['serial', 'parallel'] },
  ];
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (next.sources.length === 0) continue;
      const alone = next.sources.length === 1;
      const { swallowed, readAlone } = await loadPass(tx, next.sources, shape, {
        reread: next.depth < MAX_REREAD_DEPTH,
        serial: next.modes[0] === 'serial',
        lastChance: alone && next.modes.length === 1,
      });
      for (const source of next.sources.filter((s) => !readAlone.includes(s))) {
        blankLines.set(source.batchId, (blankLines.get(source.batchId) ?? 0) + source.scan.blankLines.length);
      }
      // Alone in the same mode first: reading several files at once is a failure cause of its own.
      for (const source of readAlone) queue.push({ sources: [source], depth: next.depth, modes: alone ? next.modes.slice(1) : next.modes });
      queue.push({ sources: await sourcesFor(swallowed, shape, stagingDir, written), depth: next.depth + 1, modes: ['serial', 'parallel'] });
    }
  } finally {
    await Promise.all(written.map((file) => rm(file, { force: true })));
  }
  return blankLines;
}

async function sourcesFor(swallowed: readonly Swallowed[], shape: GroupShape, stagingDir: string, written: string[]): Promise<LoadSource[]> {
  if (swallowed.length === 0) return [];
  await mkdir(stagingDir, { recursive: true });
  const byParent = new Map<LoadSource, Swallowed[]>();
  for (const s of swallowed) byParent.set(s.source, [...(byParent.get(s.source) ?? []), s]);
  const sources: LoadSource[] = [];
  for (const [parent, list] of byParent) {
    const ranges = list
      .sort((a, b) => a.from - b.from)
      .map((s) => ({ from: s.from, to: s.to, outPath: path.join(stagingDir, `${parent.batchId}.lines-${s.from + parent.lineOffset}-${s.to + parent.lineOffset}.csv`) }));
    written.push(...ranges.map((r) => r.outPath));
    await extractLineRanges(parent.readPath, parent.gzip, ranges);
    for (const range of ranges) {
      // The segment's line 2 is the parent's line `from`.
      const scan = await scanTextFile(range.outPath, parent.displayPath, { gzip: false, maxLineBytes: shape.maxLineBytes });
      sources.push({ ...parent, readPath: range.outPath, gzip: false, scan, lineOffset: parent.lineOffset + range.from - 2 });
    }
  }
  return sources;
}
