/**
 * Excel exports load like CSV: the first worksheet's rows, dates and numbers as a person sees
 * them, numbered by worksheet row; a workbook that is not one is reported by name.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { HEADER, expectCleanFailure, fileError, layerCounts, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

const at = (day: number, hour: number, minute: number): Date => new Date(Date.UTC(2010, 11, day, hour, minute));

async function writeWorkbook(file: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sales');
  sheet.addRow(HEADER.split(','));
  sheet.getRow(2).values = [536365, '85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', 6, at(1, 8, 26), 2.55, 17850, 'United Kingdom'];
  sheet.getRow(3).values = [536366, '71053', 'WHITE METAL\nLANTERN', 3, at(1, 9, 0), 3.39, 17850, 'France'];
  // Row 4 stays empty.
  sheet.getRow(5).values = [536367, '22752', 'SET 7 BABUSHKA NESTING BOXES, "RED"', 2, at(2, 10, 15), 7.65, null, 'Germany'];
  sheet.getRow(6).values = [536368, '22753', 'TRAILING CELLS LEFT OUT', 12, at(2, 11, 0), 0.85];
  await workbook.xlsx.writeFile(file);
}

describe('Excel workbooks', () => {
  it('loads the first worksheet with worksheet row numbers as line numbers and real dates and numbers as text', async () => {
    ws = workspace();
    const file = path.join(ws.inputDir, 'sales.xlsx');
    await writeWorkbook(file);

    const result = await ws.cli(['--json', 'run', file]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.json.files[0]).toMatchObject({ file, status: 'loaded', rows_in: 4 });
    const bronze = await ws.query(
      `SELECT _line::INTEGER AS line, _source AS source, invoice_no, description, quantity, invoice_date, unit_price, customer_id, country
       FROM bronze.transactions_raw ORDER BY _line`,
    );
    expect(bronze).toEqual([
      { line: 2, source: 'xlsx', invoice_no: '536365', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: '6', invoice_date: '2010-12-01 08:26:00', unit_price: '2.55', customer_id: '17850', country: 'United Kingdom' },
      { line: 3, source: 'xlsx', invoice_no: '536366', description: 'WHITE METAL\nLANTERN', quantity: '3', invoice_date: '2010-12-01 09:00:00', unit_price: '3.39', customer_id: '17850', country: 'France' },
      { line: 5, source: 'xlsx', invoice_no: '536367', description: 'SET 7 BABUSHKA NESTING BOXES, "RED"', quantity: '2', invoice_date: '2010-12-02 10:15:00', unit_price: '7.65', customer_id: null, country: 'Germany' },
      { line: 6, source: 'xlsx', invoice_no: '536368', description: 'TRAILING CELLS LEFT OUT', quantity: '12', invoice_date: '2010-12-02 11:00:00', unit_price: '0.85', customer_id: null, country: null },
    ]);
    const silver = await ws.query<{ line: number; ts: string }>(`SELECT source_line::INTEGER AS line, strftime(invoice_ts, '%Y-%m-%d %H:%M') AS ts FROM silver.transactions ORDER BY 1`);
    expect(silver).toEqual([
      { line: 2, ts: '2010-12-01 08:26' },
      { line: 3, ts: '2010-12-01 09:00' },
      { line: 5, ts: '2010-12-02 10:15' },
      { line: 6, ts: '2010-12-02 11:00' },
    ]);
    expect(readdirSync(path.join(ws.dataDir, 'staging'))).toEqual([]);
  });

  it('reports an .xlsx that is really garbage as an unreadable workbook, naming the file', async () => {
    ws = workspace();
    const garbage = ws.write('export.xlsx', 'InvoiceNo,StockCode\n536365,85123A\n');

    const result = await ws.cli(['--json', 'ingest', garbage]);

    expectCleanFailure(result);
    const error = fileError(result, garbage);
    expect(error).toMatchObject({ code: 'STRATA_ERR_XLSX', line: null });
    expect(error.message).toMatch(/not an Excel workbook/);
    expect(await layerCounts(ws)).toMatchObject({ bronze: 0, batches: 0 });
    const text = await ws.cli(['ingest', garbage]);
    expect(text.stdout).toContain(`${garbage}: not an Excel workbook`);
    expect(readdirSync(path.join(ws.dataDir, 'staging'))).toEqual([]);
  });
});
