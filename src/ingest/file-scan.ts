/**
 * One streaming pass over a text file before the engine reads it: content hash, encoding,
 * binary detection, the header line, and where every record sits (blank lines, records that
 * span lines, records over the line limit). Bounded memory: only the header line and the
 * irregular records are kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { StrataError } from '../shared/index.js';
import { parseHeaderLine } from './header.js';
import { RecordTracker, type LineSpan, type LongRecord } from './record-tracker.js';

export interface FileScan {
  readonly contentHash: string;
  /** Bytes after decompression. */
  readonly bytes: number;
  readonly encoding: 'utf-8' | 'latin-1';
  /** Line where the text stopped being valid UTF-8, when it did. */
  readonly firstNonUtf8Line: number | null;
  readonly headerLine: string;
  /** Physical lines, counting a last line without a newline. */
  readonly totalLines: number;
  /** Empty lines between records, which the CSV reader skips. */
  readonly blankLines: readonly number[];
  /** Records whose quoted fields (or an unterminated quote) carry them over several lines. */
  readonly multiLineRecords: readonly LineSpan[];
  /** Records longer than the line limit. */
  readonly longRecords: readonly LongRecord[];
  /** The last record, when the file ends inside its quotes. */
  readonly unclosedAtEnd: { readonly line: number; readonly offset: number } | null;
}

const LF = 0x0a;
const CONTROL_SAMPLE_BYTES = 65_536;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function isSuspiciousControl(byte: number): boolean {
  return (byte < 0x09 && byte !== 0) || (byte > 0x0d && byte < 0x20 && byte !== 0x1b);
}

export function openText(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip = createGunzip();
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** 1-based line and column of `chunk[index]`, given where the chunk starts. */
function positionIn(chunk: Buffer, index: number, start: { line: number; lineLength: number }): { line: number; column: number } {
  let line = start.line;
  let lastLf = -1;
  for (let lf = chunk.indexOf(LF); lf !== -1 && lf < index; lf = chunk.indexOf(LF, lf + 1)) {
    line++;
    lastLf = lf;
  }
  return { line, column: lastLf === -1 ? start.lineLength + index + 1 : index - lastLf };
}

function delimiterByte(headerBytes: Buffer): number {
  const text = (headerBytes.subarray(0, 3).equals(UTF8_BOM) ? headerBytes.subarray(3) : headerBytes).toString('latin1');
  const parsed = parseHeaderLine(text.replace(/\r$/, ''));
  return 'error' in parsed ? 0x2c : parsed.delimiter.charCodeAt(0);
}

export async function scanTextFile(file: string, displayPath: string, options: { gzip: boolean; maxLineBytes: number }): Promise<FileScan> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8Valid = true;
  let firstNonUtf8Line: number | null = null;
  let bytes = 0;
  let headerParts: Buffer[] = [];
  let headerLength = 0;
  let headerLine: Buffer | null = null;
  let tracker: RecordTracker | null = null;
  let controlSeen = 0;
  let firstControl: { line: number; column: number } | null = null;
  let sampled = 0;

  const binary = (what: string, at: { line: number; column: number }) =>
    new StrataError('STRATA_ERR_FILE_BINARY', `binary content (${what}): this is not a CSV text file`, { location: { file: displayPath, ...at } });

  /** Header bytes go aside until the first newline; everything after it goes to the tracker. */
  const consume = (chunk: Buffer): void => {
    if (tracker) {
      tracker.feed(chunk, bytes);
      return;
    }
    const lf = chunk.indexOf(LF);
    const head = lf === -1 ? chunk : chunk.subarray(0, lf);
    headerParts.push(head);
    headerLength += head.length;
    if (headerLength > options.maxLineBytes) {
      throw new StrataError('STRATA_ERR_CSV_HEADER', `the header line is longer than ${options.maxLineBytes} bytes`, { location: { file: displayPath, line: 1 } });
    }
    if (lf === -1) return;
    headerLine = Buffer.concat(headerParts);
    headerParts = [];
    tracker = new RecordTracker(delimiterByte(headerLine), options.maxLineBytes, 2, bytes + lf + 1);
    tracker.feed(chunk.subarray(lf + 1), bytes + lf + 1);
  };

  try {
    for await (const chunk of openText(file, options.gzip) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const start = (tracker as RecordTracker | null)?.position ?? { line: 1, lineLength: headerLength };
      const nul = chunk.indexOf(0);
      if (sampled < CONTROL_SAMPLE_BYTES) {
        const end = Math.min(chunk.length, CONTROL_SAMPLE_BYTES - sampled, nul === -1 ? Infinity : nul);
        for (let i = 0; i < end; i++) {
          if (!isSuspiciousControl(chunk[i]!)) continue;
          controlSeen++;
          firstControl ??= positionIn(chunk, i, start);
        }
        sampled += end;
        if (controlSeen > 16 && controlSeen / sampled > 0.005) throw binary('control characters', firstControl!);
      }
      if (nul !== -1) throw binary('a NUL byte', positionIn(chunk, nul, start));
      if (utf8Valid) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          utf8Valid = false;
          firstNonUtf8Line = start.line;
        }
      }
      consume(chunk);
      bytes += chunk.length;
    }
    if (utf8Valid) {
      try {
        decoder.decode();
      } catch {
        utf8Valid = false;
        firstNonUtf8Line = (tracker as RecordTracker | null)?.position.line ?? 1;
      }
    }
  } catch (error) {
    if (error instanceof StrataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'the file vanished while it was being read' : code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' ? 'not a valid gzip file' : (error as Error).message;
    throw new StrataError('STRATA_ERR_FILE_UNREADABLE', what, { cause: error, location: { file: displayPath } });
  }

  if (bytes === 0) throw new StrataError('STRATA_ERR_FILE_EMPTY', 'the file is empty (0 bytes)', { location: { file: displayPath, line: 1 } });
  const records = (tracker as RecordTracker | null)?.finish(bytes) ?? { totalLines: 1, blankLines: [], multiLineRecords: [], longRecords: [], unclosedAtEnd: null };
  const encoding = utf8Valid ? 'utf-8' : 'latin-1';
  const header = (headerLine ?? Buffer.concat(headerParts)).toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
  return {
    contentHash: hash.digest('hex'),
    bytes,
    encoding,
    firstNonUtf8Line,
    headerLine: header.replace(/^\uFEFF/, '').replace(/\r$/, ''),
    ...records,
  };
}

/** Physical line numbers (1-based) of the given 1-based byte positions, in one streaming pass. */
export async function linesAtBytePositions(file: string, gzip: boolean, positions: readonly number[]): Promise<Map<number, number>> {
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  const result = new Map<number, number>();
  if (sorted.length === 0) return result;
  let next = 0;
  let line = 1;
  let offset = 0; // 0-based offset of the chunk start
  for await (const chunk of openText(file, gzip) as AsyncIterable<Buffer>) {
    let from = 0;
    while (next < sorted.length) {
      const target = sorted[next]! - 1 - offset; // 0-based index within this chunk
      if (target >= chunk.length) break;
      for (let lf = chunk.indexOf(LF, from); lf !== -1 && lf < target; lf = chunk.indexOf(LF, lf + 1)) {
        line++;
        from = lf + 1;
      }
      if (from < target) from = target;
      result.set(sorted[next]!, line);
      next++;
    }
    for (let lf = chunk.indexOf(LF, from); lf !== -1; lf = chunk.indexOf(LF, lf + 1)) line++;
    offset += chunk.length;
    if (next >= sorted.length) break;
  }
  return result;
}
