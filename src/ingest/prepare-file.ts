/**
 * Turns an input file into something the engine can bulk-read, or a precise error: Excel is
 * converted to CSV, text is scanned (hash, encoding, header, lines), columns are mapped.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StrataError } from '../shared/index.js';
import { USUAL_NAMES, mapColumns, mappingSignature, type ColumnMapping } from './column-map.js';
import type { InputFile } from './discover.js';
import { scanTextFile, type FileScan } from './file-scan.js';
import { parseHeaderLine } from './header.js';
import { convertXlsxToCsv, type LineShift } from './xlsx-to-csv.js';

export interface PreparedFile {
  readonly input: InputFile;
  /** The input as it was before it was read, to notice a change before the load commits. */
  readonly inputStat: { readonly size: number; readonly mtimeMs: number };
  /** The CSV the engine reads: the input itself, or the converted worksheet. */
  readonly readPath: string;
  readonly readGzip: boolean;
  readonly contentHash: string;
  readonly bytes: number;
  readonly scan: FileScan;
  readonly delimiter: string;
  readonly header: readonly string[];
  readonly mapping: ColumnMapping;
  readonly groupKey: string;
  readonly convertedFrom: 'xlsx' | null;
  /** Converted worksheets: how CSV lines map back to worksheet rows. */
  readonly lineShifts: readonly LineShift[];
}

export type PrepareResult =
  | { readonly ok: true; readonly file: PreparedFile }
  | { readonly ok: false; readonly input: InputFile; readonly error: StrataError };

async function hashFile(file: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hash: hash.digest('hex'), bytes };
}

export async function prepareFile(input: InputFile, options: { stagingDir: string; maxLineBytes: number }): Promise<PrepareResult> {
  try {
    return { ok: true, file: await prepare(input, options) };
  } catch (error) {
    if (error instanceof StrataError) return { ok: false, input, error };
    const err = error as NodeJS.ErrnoException;
    const message = err.code === 'ENOENT' ? 'the file vanished before it could be read' : err.message;
    return { ok: false, input, error: new StrataError('STRATA_ERR_FILE_UNREADABLE', message, { cause: error, location: { file: input.displayPath } }) };
  }
}

async function prepare(input: InputFile, options: { stagingDir: string; maxLineBytes: number }): Promise<PreparedFile> {
  const { size, mtimeMs } = await stat(input.path);
  const inputStat = { size, mtimeMs };
  if (input.format !== 'xlsx') return prepareText(input, options, { readPath: input.path, inputStat, lineShifts: [] });
  const original = await hashFile(input.path);
  if (original.bytes === 0) throw new StrataError('STRATA_ERR_FILE_EMPTY', 'the file is empty (0 bytes)', { location: { file: input.displayPath, line: 1 } });
  await mkdir(options.stagingDir, { recursive: true });
  // Unique per input: two copies of one workbook in a run are converted side by side.
  const readPath = path.join(options.stagingDir, `${original.hash.slice(0, 20)}-${randomUUID()}.csv`);
  const { lineShifts } = await convertXlsxToCsv(input.path, input.displayPath, readPath);
  try {
    return await prepareText(input, options, { readPath, inputStat, lineShifts, contentHash: original.hash, bytes: original.bytes });
  } catch (error) {
    await rm(readPath, { force: true });
    throw error;
  }
}

async function prepareText(
  input: InputFile,
  options: { stagingDir: string; maxLineBytes: number },
  converted: { readPath: string; inputStat: PreparedFile['inputStat']; lineShifts: readonly LineShift[]; contentHash?: string; bytes?: number },
): Promise<PreparedFile> {
  const { readPath, contentHash, bytes } = converted;
  const scan = await scanTextFile(readPath, input.displayPath, { gzip: input.gzip, maxLineBytes: options.maxLineBytes });
  const parsed = parseHeaderLine(scan.headerLine);
  if ('error' in parsed) {
    throw new StrataError('STRATA_ERR_CSV_HEADER', `the header line cannot be parsed: ${parsed.error}`, { location: { file: input.displayPath, line: 1 } });
  }
  const mapped = mapColumns(parsed.columns);
  if (!mapped.ok) {
    const parts = [
      ...mapped.missing.map((c) => `missing required column ${c} (a header such as ${USUAL_NAMES[c]})`),
      ...mapped.conflicts,
    ];
    throw new StrataError('STRATA_ERR_CSV_COLUMNS', `${parts.join('; ')} (header has: ${parsed.columns.join(', ')})`, {
      location: { file: input.displayPath, line: 1, ...(mapped.missing[0] ? { column: mapped.missing[0] } : {}) },
      details: { header: parsed.columns, missing: mapped.missing },
    });
  }
  const dataLines = scan.totalLines - 1 - scan.blankLines.length;
  if (dataLines <= 0) {
    throw new StrataError('STRATA_ERR_FILE_NO_ROWS', 'the file has a header but no data rows', { location: { file: input.displayPath, line: 2 } });
  }
  return {
    input,
    inputStat: converted.inputStat,
    readPath,
    readGzip: input.gzip,
    contentHash: contentHash ?? scan.contentHash,
    bytes: bytes ?? scan.bytes,
    scan,
    delimiter: parsed.delimiter,
    header: parsed.columns,
    mapping: mapped.mapping,
    groupKey: JSON.stringify([parsed.delimiter, scan.encoding, input.gzip, mappingSignature(parsed.columns, mapped.mapping)]),
    convertedFrom: input.format === 'xlsx' ? 'xlsx' : null,
    lineShifts: converted.lineShifts,
  };
}
