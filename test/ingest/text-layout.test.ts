/**
 * How a text file is laid out (byte-order mark, line endings, values over several lines,
 * encoding) changes neither the values that land in bronze nor the line numbers they carry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

async function bronzeRows(): Promise<{ line: number; invoice: string | null; description: string | null; country: string | null; error: string | null }[]> {
  return ws.query(
    `SELECT _line::INTEGER AS line, invoice_no AS invoice, description, country, _parse_error AS error
     FROM bronze.transactions_raw ORDER BY _line`,
  );
}

describe('text layout', () => {
  it('loads a UTF-8 file with a byte-order mark and still maps its (quoted) first column', async () => {
    ws = workspace();
    const file = ws.write('bom.csv', `\uFEFF${csvText([HEADER.replace('InvoiceNo', '"InvoiceNo"'), row(1), row(2)])}`);

    const result = await ws.cli(['--json', 'ingest', file]);

    expect(result.code, result.stderr).toBe(0);
    expect((await bronzeRows()).map((r) => [r.line, r.invoice])).toEqual([
      [2, '536001'],
      [3, '536002'],
    ]);
    const [batch] = await ws.query<{ invoice: string; encoding: string }>(`SELECT column_map->>'invoice_no' AS invoice, encoding FROM bronze.batches`);
    expect(batch).toEqual({ invoice: 'InvoiceNo', encoding: 'utf-8' });
  });

  it('loads CRLF files with no trailing carriage return in any value and exact line numbers', async () => {
    ws = workspace();
    const file = ws.write('windows.csv', csvText([HEADER, row(1), '', row(3), '536004,SKU4,TOO FEW', row(5)], '\r\n'));

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect((await bronzeRows()).map((r) => [r.line, r.invoice, r.country, r.error === null])).toEqual([
      [2, '536001', 'United Kingdom', true],
      [4, '536003', 'United Kingdom', true],
      [5, null, null, false],
      [6, '536005', 'United Kingdom', true],
    ]);
    const [carriageReturns] = await ws.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM bronze.transactions_raw WHERE concat_ws('', invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country, _raw_line) LIKE '%' || chr(13) || '%')
            + (SELECT count(*) FROM silver.transactions WHERE country LIKE '%' || chr(13) || '%')::INTEGER AS n`,
    );
    expect(Number(carriageReturns!.n)).toBe(0);
    expect((await ws.query<{ line: number }>('SELECT source_line::INTEGER AS line FROM silver.transactions ORDER BY 1')).map((r) => r.line)).toEqual([2, 4, 6]);
  });

  it('numbers rows after multi-line quoted descriptions, blank lines inside them included, by their physical line', async () => {
    ws = workspace();
    const file = ws.write(
      'multi-line.csv',
      csvText([
        HEADER,
        row(1, { description: 'TWO\nLINES' }),
        row(2),
        row(3, { description: 'FIRST PARAGRAPH\n\nSECOND PARAGRAPH' }),
        '',
        row(4, { description: 'SAYS ""HI""\nAND, "BYE"' }),
        '536005,SKU5,TOO FEW',
        row(6),
      ]),
    );

    const result = await ws.cli(['--json', 'ingest', file]);

    expect(result.code, result.stderr).toBe(0);
    expect((await bronzeRows()).map((r) => [r.line, r.invoice, r.description])).toEqual([
      [2, '536001', 'TWO\nLINES'],
      [4, '536002', 'WHITE HANGING HEART T-LIGHT HOLDER'],
      [5, '536003', 'FIRST PARAGRAPH\n\nSECOND PARAGRAPH'],
      [9, '536004', 'SAYS ""HI""\nAND, "BYE"'],
      [11, null, null],
      [12, '536006', 'WHITE HANGING HEART T-LIGHT HOLDER'],
    ]);
    const [batch] = await ws.query<{ lines: number; blanks: number; rows: number }>('SELECT lines_read::INTEGER AS lines, blank_lines::INTEGER AS blanks, rows_in::INTEGER AS rows FROM bronze.batches');
    expect(batch).toEqual({ lines: 11, blanks: 1, rows: 6 });
  });

  it('decodes a Latin-1 file (café, £) correctly into bronze and silver', async () => {
    ws = workspace();
    const text = csvText([HEADER, row(1, { description: 'CAFÉ AU LAIT BOWL £5 - café' }), row(2, { description: 'crème brûlée', country: 'France' })]);
    const file = ws.write('latin1.csv', Buffer.from(text, 'latin1'));

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.files[0]).toMatchObject({ status: 'loaded', encoding: 'latin-1' });
    expect((await bronzeRows()).map((r) => r.description)).toEqual(['CAFÉ AU LAIT BOWL £5 - café', 'crème brûlée']);
    const silver = await ws.query<{ description: string }>('SELECT description FROM silver.transactions ORDER BY source_line');
    expect(silver.map((r) => r.description)).toEqual(['CAFÉ AU LAIT BOWL £5 - café', 'crème brûlée']);
  });
});
