/**
 * Loading is exactly-once by content: the same bytes again, under any name, are a no-op, and
 * running the pipeline again changes no table.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, contentFingerprint, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

describe('loading the same content twice', () => {
  it('treats the same file, even renamed, as already loaded and leaves every table as it was', async () => {
    ws = workspace();
    const file = ws.write('2010-12-01.csv', csvText([HEADER, row(1), row(2), '536003,SKU3,TOO FEW', row(2)]));
    const first = await ws.cli(['--json', 'run', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.batches).toEqual([expect.objectContaining({ rows_in: 4, rows_to_silver: 2, rows_quarantined: 1, duplicates_removed: 1 })]);
    const before = await contentFingerprint(ws);

    const renamed = path.join(ws.inputDir, 'copy-of-2010-12-01.csv');
    copyFileSync(file, renamed);
    const viaCopy = await ws.cli(['--json', 'ingest', renamed]);
    const both = await ws.cli(['--json', 'run', ws.inputDir]);

    for (const result of [viaCopy, both]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.json.batches).toEqual([]);
      for (const outcome of result.json.files) {
        expect(outcome).toMatchObject({ status: 'skipped', batch_id: first.json.files[0].batch_id, reason: `already loaded (same content as ${file})` });
      }
    }
    expect(both.json.files).toHaveLength(2);
    expect(await contentFingerprint(ws)).toEqual(before);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['bronze.transactions_raw', 'silver.transactions', 'gold.fact_sales']));
  });
});
