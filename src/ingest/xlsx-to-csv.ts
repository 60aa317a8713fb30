/**
 * Streams the first worksheet of an .xlsx workbook into a UTF-8 CSV, so Excel exports take the
 * same engine path as CSV files. Worksheet row numbers are kept as CSV line numbers (empty rows
 * become blank lines), so quarantine entries point at the row a person sees in Excel; a cell
 * with line breaks pushes later CSV lines down, which the returned shifts undo.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import type ExcelJS from 'exceljs';
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

/** From CSV line `fromLine` on, the worksheet row is the CSV line minus `shift`. */
export interface LineShift {
  readonly fromLine: number;
  readonly shift: number;
}

export interface ConvertedWorkbook {
  readonly rows: number;
  readonly sheet: string;
  readonly lineShifts: readonly LineShift[];
}

export async function convertXlsxToCsv(xlsxPath: string, displayPath: string, csvPath: string): Promise<ConvertedWorkbook> {
  const out = createWriteStream(csvPath, { encoding: 'utf8' });
  let rows = 0;
  let sheet = '';
  let lastRow = 0;
  let width = 0;
  let buffer = '';
  let extraLines = 0;
  const lineShifts: LineShift[] = [];
  const flush = async (): Promise<void> => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  try {
    // Loaded on first use: it is a large module and most runs read no workbook.
    const { default: excel } = await import('exceljs');
    const reader = new excel.stream.xlsx.WorkbookReader(xlsxPath, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const worksheet of reader) {
      sheet = (worksheet as unknown as { name?: string }).name ?? 'Sheet1';
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        if (rows === 0 && row.number > 1) {
          throw new StrataError('STRATA_ERR_CSV_HEADER', `row 1 of worksheet "${sheet}" is empty: the header must be on the first row`, { location: { file: displayPath, line: 1 } });
        }
        // Keep worksheet row numbers: an empty row becomes a blank line the CSV reader skips.
        while (lastRow + 1 < row.number) {
          buffer += lastRow === 0 ? '' : '\n';
          lastRow++;
        }
        const values = (row.values as unknown[]).slice(1);
        if (width === 0) width = values.length;
        // Excel leaves trailing empty cells out; pad to the header's width so rows stay rectangular.
        const cells = Array.from({ length: Math.max(width, values.length) }, (_, i) => quote(cellText(values[i])));
        const line = cells.join(',');
        buffer += (lastRow === 0 ? '' : '\n') + line;
        const breaks = line.split('\n').length - 1;
        if (breaks > 0) {
          extraLines += breaks;
          lineShifts.push({ fromLine: row.number + 1 + extraLines, shift: extraLines });
        }
        lastRow = row.number;
        rows++;
        if (buffer.length > 1 << 20) await flush();
      }
      break; // the first worksheet only
    }
    if (rows === 0) {
      throw sheet
        ? new StrataError('STRATA_ERR_FILE_EMPTY', `the first worksheet ("${sheet}") is empty`, { location: { file: displayPath, line: 1 } })
        : new StrataError('STRATA_ERR_XLSX', 'the workbook has no worksheet', { location: { file: displayPath } });
    }
    buffer += '\n';
    await flush();
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    await rm(csvPath, { force: true });
    if (error instanceof StrataError) throw error;
    const message = (error as Error).message;
    const notZip = /signature|central directory|zip/i.test(message);
    throw new StrataError('STRATA_ERR_XLSX', notZip ? `not an Excel workbook: the file is not a .xlsx (zip) archive (${message})` : `cannot read the workbook: ${message}`, {
      cause: error,
      location: { file: displayPath },
    });
  }
  return { rows, sheet, lineShifts };
}
