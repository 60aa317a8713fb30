/**
 * Whatever dirt arrives, every line is accounted for: bronze holds each non-blank data line,
 * each batch's rows split exactly into silver, quarantine and duplicates, and the quarantine
 * names the very lines that broke an error rule.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dirtyFiles, fileText, type DirtyFile } from './dirty-csv.js';
import { runInProcess, type InProcessRun } from './run-in-process.js';

/** Files with the same bytes are one batch (the second is a no-op), so count each content once. */
const distinctByContent = (files: readonly DirtyFile[]): DirtyFile[] =>
  files.filter((f, i) => files.findIndex((g) => fileText(g) === fileText(f)) === i);

const lineKey = (file: string, line: number): string => `${path.basename(file)}:${line}`;

const asInputs = (files: readonly DirtyFile[]): Record<string, string> => Object.fromEntries(files.map((f) => [f.name, fileText(f)]));

/** Loads the first `firstRun` files in one run and the rest in a second run into the same warehouse. */
async function checkAccounting(files: readonly DirtyFile[], firstRun = files.length): Promise<void> {
  let run: InProcessRun | undefined;
  try {
    run = await runInProcess(asInputs(files.slice(0, firstRun)));
    const results = [run.result, ...(firstRun < files.length ? [await run.again(asInputs(files.slice(firstRun)))] : [])];
    for (const result of results) {
      expect(result.error).toBeNull();
      expect(result.files.filter((f) => f.status === 'failed')).toEqual([]);
    }
    const loaded = distinctByContent(files);

    const bronze = await run.warehouse.query<{ file: string; n: number }>(`SELECT _file AS file, count(*)::INTEGER AS n FROM bronze.transactions_raw GROUP BY 1`);
    const expectedBronze = Object.fromEntries(loaded.map((f) => [f.name, f.lines.filter((l) => l.kind !== 'blank').length]));
    expect(Object.fromEntries(bronze.map((b) => [path.basename(b.file), b.n]))).toEqual(expectedBronze);

    const batches = await run.warehouse.query<{ file: string; rows_in: number; silver: number; quarantined: number; duplicates: number; counted: boolean; score: number }>(`
      SELECT b.file_name AS file, b.quality_score AS score, b.rows_in::INTEGER AS rows_in, b.rows_to_silver::INTEGER AS silver, b.rows_quarantined::INTEGER AS quarantined,
             b.duplicates_removed::INTEGER AS duplicates,
             b.rows_to_silver = (SELECT count(*) FROM silver.transactions s WHERE s.batch_id = b.batch_id)
               AND b.rows_quarantined = (SELECT count(DISTINCT line) FROM quality.quarantine q WHERE q.batch_id = b.batch_id)
               AND b.duplicates_removed = (SELECT count(*) FROM silver.duplicates d WHERE d.batch_id = b.batch_id) AS counted
      FROM bronze.batches b`);
    expect(batches).toHaveLength(loaded.length);
    for (const b of batches) {
      expect(b.rows_in, b.file).toBe(b.silver + b.quarantined + b.duplicates);
      expect(b.counted, b.file).toBe(true);
      expect(b.score, b.file).toBeGreaterThanOrEqual(0);
      expect(b.score, b.file).toBeLessThanOrEqual(100);
    }

    const quarantined = await run.warehouse.query<{ file: string; line: number }>(`SELECT DISTINCT file, line::INTEGER AS line FROM quality.quarantine`);
    const expectedQuarantine = loaded.flatMap((f) => f.lines.flatMap((l, i) => (l.quarantined ? [lineKey(f.name, i + 2)] : [])));
    expect(quarantined.map((q) => lineKey(q.file, q.line)).sort()).toEqual(expectedQuarantine.sort());
    for (const q of quarantined) {
      const file = loaded.find((f) => f.name === path.basename(q.file))!;
      expect(file.lines[q.line - 2]?.quarantined, `${q.file}:${q.line} is a real line that broke an error rule`).toBe(true);
    }
  } finally {
    await run?.close();
  }
}

describe('row accounting on random dirty files', () => {
  it('lands every non-blank line in bronze, splits each batch exactly and quarantines exactly the broken lines', async () => {
    await fc.assert(fc.asyncProperty(dirtyFiles, (files) => checkAccounting(files)), { numRuns: 15 });
  });

  it('holds when the files arrive over two runs, duplicates of earlier runs included', async () => {
    const split = dirtyFiles.filter((files) => files.length > 1).chain((files) => fc.tuple(fc.constant(files), fc.integer({ min: 1, max: files.length - 1 })));
    await fc.assert(fc.asyncProperty(split, ([files, firstRun]) => checkAccounting(files, firstRun)), { numRuns: 8 });
  });

  // Found by the property above: in a CRLF file DuckDB reports a rejected line's byte position at
  // the LF ending the line before it; ingest once gave such a line the previous line's number.
  it('holds for a CRLF file with an unparseable line after another line', async () => {
    const good = { kind: 'good', text: '536000,85123A,LANTERN,1,2010-12-01 08:00:00,2.55,,France', quarantined: false } as const;
    const ragged = { kind: 'ragged', text: '536001,85123A,LANTERN,-1,2010-12-01 08:00:00', quarantined: true } as const;
    await checkAccounting([{ name: 'crlf.csv', crlf: true, finalNewline: true, lines: [good, ragged, { ...ragged, kind: 'duplicate' }, good] }]);
  });
});
