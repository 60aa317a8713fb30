/**
 * Lines the CSV reader cannot split cost only themselves: the rest of the file loads, each bad
 * line is quarantined at its physical line with the reader's reason, and every batch's books
 * balance (rows in = silver + quarantined + duplicates, lines read = rows in + blank lines).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

interface Quarantined {
  line: number;
  rule_id: string;
  reason: string;
}

async function quarantineOf(file: string): Promise<Quarantined[]> {
  return ws.query<Quarantined>(`SELECT line::INTEGER AS line, rule_id, reason FROM quality.quarantine WHERE file = '${file}' ORDER BY line`);
}

async function silverLinesOf(file: string): Promise<number[]> {
  const rows = await ws.query<{ line: number }>(`SELECT source_line::INTEGER AS line FROM silver.transactions WHERE source_file = '${file}' ORDER BY 1`);
  return rows.map((r) => r.line);
}

interface Batch {
  lines_read: number;
  blank_lines: number;
  rows_in: number;
  rows_unparseable: number;
  rows_to_silver: number;
  rows_quarantined: number;
  duplicates_removed: number;
}

/** The file's batch, after checking its books balance. */
async function batchOf(file: string): Promise<Batch> {
  const [batch] = await ws.query<Batch>(
    `SELECT lines_read::INTEGER AS lines_read, blank_lines::INTEGER AS blank_lines, rows_in::INTEGER AS rows_in,
            rows_unparseable::INTEGER AS rows_unparseable, rows_to_silver::INTEGER AS rows_to_silver,
            rows_quarantined::INTEGER AS rows_quarantined, duplicates_removed::INTEGER AS duplicates_removed
     FROM bronze.batches WHERE file_path = '${file}'`,
  );
  expect(batch).toBeDefined();
  expect(batch!.rows_in).toBe(batch!.rows_to_silver + batch!.rows_quarantined + batch!.duplicates_removed);
  return batch!;
}

describe('lines the CSV reader cannot split', () => {
  it('quarantines an unterminated quote and ragged rows at their own lines and loads every good row around them', async () => {
    ws = workspace();
    const file = ws.write(
      'dirty.csv',
      csvText([
        HEADER,
        row(1),
        '536002,SKU2,"BROKEN QUOTE,2,2010-12-01 08:26:00,2.55,17850,United Kingdom',
        row(3),
        '536004,SKU4,TOO FEW',
        row(5),
        `${row(6)},surplus`,
        row(7),
      ]),
    );

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.files).toEqual([expect.objectContaining({ file, status: 'loaded', rows_in: 7, unparseable_lines: 3 })]);
    expect(await silverLinesOf(file)).toEqual([2, 4, 6, 8]);
    const quarantined = await quarantineOf(file);
    expect(quarantined.map((q) => [q.line, q.rule_id])).toEqual([
      [3, 'row_parses'],
      [5, 'row_parses'],
      [7, 'row_parses'],
    ]);
    expect(quarantined[0]!.reason).toMatch(/UNQUOTED VALUE: .*(unterminated quote|never closed).*\(column Description\)/);
    expect(quarantined[1]!.reason).toMatch(/MISSING COLUMNS: Expected Number of Columns: 8 Found: 3/);
    expect(quarantined[2]!.reason).toMatch(/TOO MANY COLUMNS: Expected Number of Columns: 8 Found: 9/);
    const raw = await ws.query<{ line: number; raw: string }>(`SELECT _line::INTEGER AS line, _raw_line AS raw FROM bronze.transactions_raw WHERE _parse_error IS NOT NULL ORDER BY 1`);
    expect(raw).toEqual([
      { line: 3, raw: '536002,SKU2,"BROKEN QUOTE,2,2010-12-01 08:26:00,2.55,17850,United Kingdom' },
      { line: 5, raw: '536004,SKU4,TOO FEW' },
      { line: 7, raw: `${row(6)},surplus` },
    ]);
    expect(await batchOf(file)).toMatchObject({ lines_read: 7, blank_lines: 0, rows_in: 7, rows_unparseable: 3, rows_to_silver: 4, rows_quarantined: 3 });
  });

  it('costs a stray quote that a later line closes only its own line, even after blank lines and with CRLF endings', async () => {
    ws = workspace();
    const file = ws.write(
      'stray.csv',
      csvText(
        [
          HEADER,
          row(1),
          '536002,SKU2,"stray,2,2010-12-01 08:26:00,2.55,17850,United Kingdom',
          row(3),
          '',
          row(5),
          '536006,SKU6,"closes" the stray,6,2010-12-01 08:26:00,2.55,17850,United Kingdom',
          row(7),
          '',
          '',
          '536010,SKU10,TOO FEW',
          row(11),
        ],
        '\r\n',
      ),
    );

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(await silverLinesOf(file)).toEqual([2, 4, 6, 8, 12]);
    expect((await quarantineOf(file)).map((q) => q.line)).toEqual([3, 7, 11]);
    // No value spans lines here, so every line read is a row or a blank line.
    expect(await batchOf(file)).toMatchObject({ lines_read: 11, blank_lines: 3, rows_in: 8, rows_quarantined: 3 });
  });

  it('keeps the bad last line of every file when a folder of them is read in one scan', async () => {
    ws = workspace();
    // The engine, reading five or more files at once, dropped such lines without reporting them.
    const endings = ['536009,SKU9,"unterminated', `${row(9)},surplus`, '536009,SKU9,TOO FEW', '536009,SKU9,"unterminated', `${row(9)},surplus`, '536009,SKU9,"open'];
    const files = endings.map((last, i) => ws.write(`day-${i}.csv`, csvText([HEADER, row(10 * i + 1), row(10 * i + 2), last])));

    const result = await ws.cli(['--json', 'ingest', ws.inputDir]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.files.map((f: { file: string; rows_in: number; unparseable_lines: number }) => [f.file, f.rows_in, f.unparseable_lines])).toEqual(
      files.map((file) => [file, 3, 1]),
    );
    const lines = await ws.query<{ file: string; line: number }>(`SELECT _file AS file, _line::INTEGER AS line FROM bronze.transactions_raw WHERE _parse_error IS NOT NULL ORDER BY 1`);
    expect(lines).toEqual(files.map((file) => ({ file, line: 4 })));
  });

  it('quarantines a 50 MB line inside a good file quickly, with a short preview instead of the line', async () => {
    ws = workspace();
    const huge = 'X'.repeat(50 * 1024 * 1024);
    const file = ws.write('huge-line.csv', csvText([HEADER, row(1), row(2, { description: huge }), row(3)]));

    const started = performance.now();
    const result = await ws.cli(['--json', 'run', file]);
    const seconds = (performance.now() - started) / 1000;

    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await silverLinesOf(file)).toEqual([2, 4]);
    const [quarantined] = await quarantineOf(file);
    expect(quarantined).toMatchObject({ line: 3, rule_id: 'row_parses' });
    expect(quarantined!.reason).toMatch(/LINE SIZE OVER MAXIMUM.*over the limit of 1048576 bytes/);
    const [raw] = await ws.query<{ length: number }>('SELECT length(_raw_line)::INTEGER AS length FROM bronze.transactions_raw WHERE _line = 3');
    expect(raw!.length).toBeLessThanOrEqual(10_000);
    expect(await batchOf(file)).toMatchObject({ rows_in: 3, rows_quarantined: 1 });
    // About 2 s on an idle 2-core machine; the bound leaves room for a busy one.
    expect(seconds).toBeLessThan(20);
  });

  it('takes the line limit from STRATA_MAX_LINE_BYTES', async () => {
    ws = workspace();
    const file = ws.write('long-line.csv', csvText([HEADER, row(1), row(2, { description: 'Y'.repeat(5000) }), row(3)]));

    const result = await ws.cli(['--json', 'run', file], { STRATA_MAX_LINE_BYTES: '4096' });

    expect(result.code, result.stderr).toBe(0);
    expect(await silverLinesOf(file)).toEqual([2, 4]);
    expect((await quarantineOf(file)).map((q) => [q.line, q.reason.includes('4096')])).toEqual([[3, true]]);
  });
});
