/**
 * Shops name their columns and write their dates in different ways: known header variants map
 * onto the canonical columns, unknown columns are kept and reported as schema drift, and each
 * file's day/month order is detected, assumed (and said so) or overridden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

interface FileJson {
  file: string;
  status: string;
  schema_drift: string[];
  date_order: string | null;
  date_order_source: string | null;
}

const outcome = (files: FileJson[], file: string): FileJson => files.find((f) => f.file === file)!;

async function silverTimes(file: string): Promise<string[]> {
  const rows = await ws.query<{ ts: string }>(`SELECT strftime(invoice_ts, '%Y-%m-%d %H:%M') AS ts FROM silver.transactions WHERE source_file = '${file}' ORDER BY source_line`);
  return rows.map((r) => r.ts);
}

describe('column names', () => {
  it('maps Online Retail II and snake_case headers and keeps an extra column as reported schema drift', async () => {
    ws = workspace();
    const retailII = ws.write('retail-ii.csv', csvText(['Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country', row(1)]));
    const snake = ws.write('snake.csv', csvText(['invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country', row(2)]));
    const drift = ws.write('drift.csv', csvText([`${HEADER},Sales Channel`, `${row(3)},web`, `${row(4)},`]));

    const result = await ws.cli(['--json', 'run', retailII, snake, drift]);

    expect(result.code, result.stderr).toBe(0);
    expect(outcome(result.json.files, retailII)).toMatchObject({ status: 'loaded', schema_drift: [] });
    expect(outcome(result.json.files, snake)).toMatchObject({ status: 'loaded', schema_drift: [] });
    expect(outcome(result.json.files, drift)).toMatchObject({ status: 'loaded', schema_drift: ['Sales Channel'] });
    const bronze = await ws.query<{ file: string; invoice: string; price: string; customer: string; extra: string | null }>(
      `SELECT _file AS file, invoice_no AS invoice, unit_price AS price, customer_id AS customer, _extra::VARCHAR AS extra FROM bronze.transactions_raw ORDER BY invoice_no`,
    );
    expect(bronze).toEqual([
      { file: retailII, invoice: '536001', price: '2.55', customer: '17850', extra: null },
      { file: snake, invoice: '536002', price: '2.55', customer: '17850', extra: null },
      { file: drift, invoice: '536003', price: '2.55', customer: '17850', extra: '{"Sales Channel":"web"}' },
      { file: drift, invoice: '536004', price: '2.55', customer: '17850', extra: '{"Sales Channel":null}' },
    ]);
    const [map] = await ws.query<{ price: string; customer: string }>(`SELECT column_map->>'unit_price' AS price, column_map->>'customer_id' AS customer FROM bronze.batches WHERE file_path = '${retailII}'`);
    expect(map).toEqual({ price: 'Price', customer: 'Customer ID' });
    expect(Number((await ws.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM silver.transactions'))[0]!.n)).toBe(4);
  });
});

describe('dates', () => {
  const files = (w: Workspace) => ({
    iso: w.write('iso.csv', csvText([HEADER, row(1, { date: '2010-12-01 08:26:00' }), row(2, { date: '2011/01/13 17:05' })])),
    monthFirst: w.write('month-first.csv', csvText([HEADER, row(3, { date: '12/1/10 8:26' }), row(4, { date: '12/13/10 9:05' })])),
    dayFirst: w.write('day-first.csv', csvText([HEADER, row(5, { date: '13/01/2011 08:26' }), row(6, { date: '01/02/2011 10:00' })])),
    ambiguous: w.write('ambiguous.csv', csvText([HEADER, row(7, { date: '01/02/2011 08:26' }), row(8, { date: '03/04/2011 10:00' })])),
  });

  it('detects the day/month order per file and reports an ambiguous file as assumed', async () => {
    ws = workspace();
    const f = files(ws);

    const result = await ws.cli(['--json', 'run', f.iso, f.monthFirst, f.dayFirst, f.ambiguous]);

    expect(result.code, result.stderr).toBe(0);
    expect([f.iso, f.monthFirst, f.dayFirst, f.ambiguous].map((file) => [outcome(result.json.files, file).date_order, outcome(result.json.files, file).date_order_source])).toEqual([
      ['iso', 'detected'],
      ['mdy', 'detected'],
      ['dmy', 'detected'],
      ['mdy', 'assumed'],
    ]);
    expect(await silverTimes(f.iso)).toEqual(['2010-12-01 08:26', '2011-01-13 17:05']);
    expect(await silverTimes(f.monthFirst)).toEqual(['2010-12-01 08:26', '2010-12-13 09:05']);
    expect(await silverTimes(f.dayFirst)).toEqual(['2011-01-13 08:26', '2011-02-01 10:00']);
    expect(await silverTimes(f.ambiguous)).toEqual(['2011-01-02 08:26', '2011-03-04 10:00']);
    const text = await ws.cli(['ingest', ws.write('ambiguous-again.csv', csvText([HEADER, row(9, { date: '05/06/2011 08:26' })]))]);
    expect(text.stdout).toContain('ambiguous-again.csv: day/month order is ambiguous; assumed mdy (override with --date-order)');
  });

  it('reads every short date day-first with --date-order dmy', async () => {
    ws = workspace();
    const f = files(ws);

    const result = await ws.cli(['--json', 'run', '--date-order', 'dmy', f.ambiguous, f.dayFirst]);

    expect(result.code, result.stderr).toBe(0);
    expect(outcome(result.json.files, f.ambiguous)).toMatchObject({ date_order: 'dmy', date_order_source: 'override' });
    expect(await silverTimes(f.ambiguous)).toEqual(['2011-02-01 08:26', '2011-04-03 10:00']);
    expect(await silverTimes(f.dayFirst)).toEqual(['2011-01-13 08:26', '2011-02-01 10:00']);
  });
});
