/**
 * Files with one record per line reach bronze through one parallel engine read and one insert
 * that numbers rows by their place in the read, with no join. Files big enough for the engine
 * to split among threads must still get every row's exact physical line, and a line the reader
 * rejects in one file must move no row of that file or of the files read with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, type Warehouse } from '../../src/engine/index.js';
import { ingestPaths } from '../../src/ingest/index.js';
import { tempDir } from '../helpers/cli.js';
import { HEADER } from './fixtures.js';

const REST = 'SKU,"A, B",6,2010-12-01 08:26:00,2.55,17850,United Kingdom';

/** A file whose line n holds invoice `L<n>`, except the lines in `short`, which have too few fields. */
function write(file: string, rows: number, short: ReadonlySet<number> = new Set()): void {
  const lines = [HEADER];
  for (let line = 2; line <= rows + 1; line++) lines.push(short.has(line) ? `X${line},SKU,TOO FEW` : `L${line},${REST}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

let warehouse: Warehouse;
const temp = tempDir('strata-direct-');

beforeAll(async () => {
  warehouse = await openWarehouse({ path: path.join(temp.dir, 'strata.duckdb'), threads: 4 });
  await migrate(warehouse);
});
afterAll(async () => {
  await warehouse?.close();
  temp.cleanup();
});

describe('regular files read in one pass', () => {
  it('keeps every row on its physical line across big multi-threaded reads, also after a rejected line', async () => {
    const dir = path.join(temp.dir, 'in');
    mkdirSync(dir);
    const files = [
      { name: 'a.csv', rows: 100_000, short: new Set<number>() },
      { name: 'b.csv', rows: 3, short: new Set<number>() },
      { name: 'c.csv', rows: 60_000, short: new Set([30_001]) },
      { name: 'd.csv', rows: 40_000, short: new Set<number>() },
    ].map((f) => ({ ...f, file: path.join(dir, f.name) }));
    for (const f of files) write(f.file, f.rows, f.short);

    const report = await ingestPaths(warehouse, [dir], { runId: 'run_direct', stagingDir: path.join(temp.dir, 'staging'), maxLineBytes: 1 << 20, concurrency: 2, defaultDateOrder: 'mdy' });
    expect(report.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);

    const perFile = await warehouse.query<{ file: string; rows: number; misplaced: number; rejected: number; distinct_lines: number }>(
      `SELECT _file AS file, count(*)::INTEGER AS rows,
              count(*) FILTER (WHERE invoice_no IS NOT NULL AND invoice_no <> 'L' || _line)::INTEGER AS misplaced,
              count(*) FILTER (WHERE _parse_error IS NOT NULL)::INTEGER AS rejected,
              count(DISTINCT _line)::INTEGER AS distinct_lines
       FROM bronze.transactions_raw GROUP BY 1 ORDER BY 1`,
    );
    expect(perFile).toEqual(files.map((f) => ({ file: f.file, rows: f.rows, misplaced: 0, rejected: f.short.size, distinct_lines: f.rows })));
    const [reject] = await warehouse.query<{ line: number; raw: string }>(
      'SELECT _line::INTEGER AS line, _raw_line AS raw FROM bronze.transactions_raw WHERE _parse_error IS NOT NULL',
    );
    expect(reject).toEqual({ line: 30_001, raw: 'X30001,SKU,TOO FEW' });
  });
});
