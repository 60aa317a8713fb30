/**
 * Streams the first worksheet of an .xlsx workbook into a UTF-8 CSV, so Excel exports take the
 * same engine path as CSV files. Worksheet row numbers are kept as CSV line numbers (empty rows
 * become blank lines), so quarantine entries point at the row a person sees in Excel.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { StrataError } from '../shared/index.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Excel dates carry wall-clock time; exceljs returns them as UTC instants of that wall clock. */
function formatDate(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatDate(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string; hyperlink?: string };
    if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('');
    if (v.result !== undefined) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return String(v.error);
    return '';
  }
  return String(value);
}

const quote = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

export async function convertXlsxToCsv(xlsxPath: string, displayPath: string, csvPath: string): Promise<{ readonly rows: number; readonly sheet: string }> {
  const out = createWriteStream(csvPath, { encoding: 'utf8' });
  let rows = 0;
  let sheet = '';
  let lastRow = 0;
  let width = 0;
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(xlsxPath, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const worksheet of reader) {
      sheet = (worksheet as unknown as { name?: string }).name ?? 'Sheet1';
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        // Keep worksheet row numbers: an empty row becomes a blank line the CSV reader skips.
        while (lastRow + 1 < row.number) {
          buffer += lastRow === 0 ? '' : '\n';
          lastRow++;
        }
        const values = (row.values as unknown[]).slice(1);
        if (width === 0) width = values.length;
        // Excel leaves trailing empty cells out; pad to the header's width so rows stay rectangular.
        const cells = Array.from({ length: Math.max(width, values.length) }, (_, i) => quote(cellText(values[i])));
        buffer += (lastRow === 0 ? '' : '\n') + cells.join(',');
        lastRow = row.number;
        rows++;
        if (buffer.length > 1 << 20) await flush();
      }
      break; // the first worksheet only
    }
    buffer += '\n';
    await flush();
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw new StrataError('STRATA_ERR_XLSX', `cannot read the workbook: ${(error as Error).message}`, { cause: error, location: { file: displayPath } });
  }
  return { rows, sheet };
}
