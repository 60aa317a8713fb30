/**
 * Turns an input file into something the engine can bulk-read, or a precise error: Excel is
 * converted to CSV, text is scanned (hash, encoding, header, lines), columns are mapped.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { StrataError } from '../shared/index.js';
import { mapColumns, mappingSignature, type ColumnMapping } from './column-map.js';
import type { InputFile } from './discover.js';
import { scanTextFile, type FileScan } from './file-scan.js';
import { parseHeaderLine } from './header.js';
import { convertXlsxToCsv } from './xlsx-to-csv.js';

export interface PreparedFile {
  readonly input: InputFile;
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
  let readPath = input.path;
  let contentHash: string | undefined;
  let bytes: number | undefined;
  if (input.format === 'xlsx') {
    const original = await hashFile(input.path);
    if (original.bytes === 0) throw new StrataError('STRATA_ERR_FILE_EMPTY', 'the file is empty (0 bytes)', { location: { file: input.displayPath, line: 1 } });
    await mkdir(options.stagingDir, { recursive: true });
    readPath = path.join(options.stagingDir, `${original.hash}.csv`);
    await convertXlsxToCsv(input.path, input.displayPath, readPath);
    contentHash = original.hash;
    bytes = original.bytes;
  }
  const scan = await scanTextFile(readPath, input.displayPath, { gzip: input.gzip, maxLineBytes: options.maxLineBytes });
  const parsed = parseHeaderLine(scan.headerLine);
  if ('error' in parsed) {
    throw new StrataError('STRATA_ERR_CSV_HEADER', `the header line cannot be parsed: ${parsed.error}`, { location: { file: input.displayPath, line: 1 } });
  }
  const mapped = mapColumns(parsed.columns);
  if (!mapped.ok) {
    const parts = [
      ...(mapped.missing.length ? [`missing required column${mapped.missing.length > 1 ? 's' : ''} ${mapped.missing.join(', ')}`] : []),
      ...mapped.conflicts,
    ];
    throw new StrataError('STRATA_ERR_CSV_COLUMNS', `${parts.join('; ')} (header has: ${parsed.columns.join(', ')})`, {
      location: { file: input.displayPath, line: 1, column: mapped.missing[0] ?? '' },
      details: { header: parsed.columns, missing: mapped.missing },
    });
  }
  const dataLines = scan.totalLines - 1 - scan.blankLines.length;
  if (dataLines <= 0) {
    throw new StrataError('STRATA_ERR_FILE_NO_ROWS', 'the file has a header but no data rows', { location: { file: input.displayPath, line: 2 } });
  }
  return {
    input,
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
  };
}
