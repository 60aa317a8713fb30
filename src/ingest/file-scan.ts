/**
 * One streaming pass over a text file before the engine reads it: content hash, encoding,
 * binary detection, the header line, physical line count and blank lines. Bounded memory:
 * only the header line and the blank line numbers are kept.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { StrataError } from '../shared/index.js';

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
  /** Empty lines after the header, which the CSV reader skips. */
  readonly blankLines: readonly number[];
}

const LF = 0x0a;
const CR = 0x0d;
const CONTROL_SAMPLE_BYTES = 65_536;

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

export async function scanTextFile(file: string, displayPath: string, options: { gzip: boolean; maxLineBytes: number }): Promise<FileScan> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8Valid = true;
  let firstNonUtf8Line: number | null = null;
  let bytes = 0;
  let line = 1; // physical line of the next byte
  let lineLength = 0; // bytes since the last LF, not counting a trailing CR
  let lastWasCR = false;
  let headerBytes: Buffer[] | null = [];
  let headerLength = 0;
  let headerLine: string | null = null;
  const blankLines: number[] = [];
  let controlSeen = 0;
  let sampled = 0;

  const fail = (code: 'STRATA_ERR_FILE_BINARY' | 'STRATA_ERR_CSV_HEADER', message: string, at: { line: number; column?: number }) =>
    new StrataError(code, message, { location: { file: displayPath, line: at.line, ...(at.column ? { column: at.column } : {}) } });

  try {
    for await (const chunk of openText(file, options.gzip) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      const nul = chunk.indexOf(0);
      if (nul !== -1) {
        const before = chunk.subarray(0, nul);
        let nulLine = line;
        let lastLf = -1;
        for (let i = before.indexOf(LF); i !== -1; i = before.indexOf(LF, i + 1)) { nulLine++; lastLf = i; }
        const column = lastLf === -1 ? lineLength + nul + 1 : nul - lastLf;
        throw fail('STRATA_ERR_FILE_BINARY', 'binary content (a NUL byte): this is not a CSV text file', { line: nulLine, column });
      }
      if (sampled < CONTROL_SAMPLE_BYTES) {
        const end = Math.min(chunk.length, CONTROL_SAMPLE_BYTES - sampled);
        for (let i = 0; i < end; i++) if (isSuspiciousControl(chunk[i]!)) controlSeen++;
        sampled += end;
        if (controlSeen > 16 && controlSeen / sampled > 0.005) {
          throw fail('STRATA_ERR_FILE_BINARY', 'binary content (control characters): this is not a CSV text file', { line: 1 });
        }
      }
      if (utf8Valid) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          utf8Valid = false;
          firstNonUtf8Line = line;
        }
      }
      let from = 0;
      for (let lf = chunk.indexOf(LF); lf !== -1; lf = chunk.indexOf(LF, from)) {
        const segment = lf - from;
        const endsWithCR = segment > 0 ? chunk[lf - 1] === CR : lastWasCR;
        const length = lineLength + segment - (endsWithCR ? 1 : 0);
        if (headerBytes) {
          headerBytes.push(chunk.subarray(from, lf));
          headerLine = Buffer.concat(headerBytes).toString('latin1');
          headerBytes = null;
        } else if (length === 0) {
          blankLines.push(line);
        }
        line++;
        lineLength = 0;
        lastWasCR = false;
        from = lf + 1;
      }
      const rest = chunk.length - from;
      if (rest > 0) {
        lineLength += rest;
        lastWasCR = chunk[chunk.length - 1] === CR;
        if (headerBytes) {
          headerBytes.push(chunk.subarray(from));
          headerLength += rest;
          if (headerLength > options.maxLineBytes) {
            throw fail('STRATA_ERR_CSV_HEADER', `the header line is longer than ${options.maxLineBytes} bytes`, { line: 1 });
          }
        }
      }
      bytes += chunk.length;
    }
    if (utf8Valid) {
      try {
        decoder.decode();
      } catch {
        utf8Valid = false;
        firstNonUtf8Line = line;
      }
    }
  } catch (error) {
    if (error instanceof StrataError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'the file vanished while it was being read' : code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' ? 'not a valid gzip file' : (error as Error).message;
    throw new StrataError('STRATA_ERR_FILE_UNREADABLE', what, { cause: error, location: { file: displayPath, line } });
  }

  if (bytes === 0) throw new StrataError('STRATA_ERR_FILE_EMPTY', 'the file is empty (0 bytes)', { location: { file: displayPath, line: 1 } });
  if (headerBytes) headerLine = Buffer.concat(headerBytes).toString('latin1');
  const totalLines = lineLength > 0 ? line : line - 1;
  const encoding = utf8Valid ? 'utf-8' : 'latin-1';
  const header = Buffer.from(headerLine ?? '', 'latin1').toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
  return {
    contentHash: hash.digest('hex'),
    bytes,
    encoding,
    firstNonUtf8Line,
    headerLine: header.replace(/^\uFEFF/, '').replace(/\r$/, ''),
    totalLines,
    blankLines,
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
