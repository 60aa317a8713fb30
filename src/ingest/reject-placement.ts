/**
 * Turns the engine's rejected lines into physical lines of the file. The engine reports where a
 * rejected record starts as a byte position that may point at blank lines (or the end of the
 * line) before it, and cuts the record's text at 10,000 characters; the record's real extent
 * comes from the scan. Records the engine dropped without a word are added from the scan: those
 * longer than its read buffer, and (reading with one thread) a quote left open at the end of
 * the file.
 */
import type { FileScan } from './file-scan.js';

export interface EngineReject {
  readonly byte_position: string;
  readonly error_types: readonly string[];
  readonly column_name: string | null;
  readonly reason: string;
  readonly raw: string | null;
}

export interface PlacedReject {
  readonly line: number;
  /** Last physical line of the rejected record (the same line unless quotes carried it on). */
  readonly lastLine: number;
  readonly reason: string;
  readonly raw: string;
  /** The lines after `line` were swallowed by a broken quote and should be read on their own. */
  readonly rereadRest: boolean;
}

const LINE_TOO_LONG = 'LINE SIZE OVER MAXIMUM';

export function placeRejects(
  rejects: readonly EngineReject[],
  lineAtByte: ReadonlyMap<number, number>,
  scan: FileScan,
  options: {
    readonly maxLineBytes: number;
    readonly delimiter: string;
    readonly describe: (reject: EngineReject) => string;
    /** The start of the scan's long and unclosed records, by byte offset. */
    readonly recordText: ReadonlyMap<number, string>;
  },
): PlacedReject[] {
  const spanEnd = new Map(scan.multiLineRecords.map((span) => [span.start, span.end]));
  const byLine = new Map<number, PlacedReject>();
  for (const reject of rejects) {
    const raw = reject.raw ?? '';
    const lead = /^[\r\n]*/.exec(raw)![0];
    const line = (lineAtByte.get(Number(reject.byte_position)) ?? 0) + (lead.match(/\n/g)?.length ?? 0);
    const text = raw.slice(lead.length);
    const lastLine = spanEnd.get(line) ?? line;
    const rereadRest = lastLine > line && reject.error_types.some((type) => type !== LINE_TOO_LONG);
    const earlier = byLine.get(line);
    byLine.set(line, {
      line,
      lastLine,
      reason: earlier ? `${earlier.reason}; ${options.describe(reject)}` : options.describe(reject),
      raw: rereadRest ? text.split('\n')[0]!.replace(/\r$/, '') : text,
      rereadRest: rereadRest || (earlier?.rereadRest ?? false),
    });
  }
  for (const record of scan.longRecords) {
    if (byLine.has(record.line)) continue;
    byLine.set(record.line, {
      line: record.line,
      lastLine: spanEnd.get(record.line) ?? record.line,
      reason: `${LINE_TOO_LONG}: the line is ${record.bytes} bytes, over the limit of ${options.maxLineBytes} bytes (STRATA_MAX_LINE_BYTES)`,
      raw: options.recordText.get(record.offset) ?? '',
      rereadRest: false,
    });
  }
  const unclosed = scan.unclosedAtEnd;
  if (unclosed && !byLine.has(unclosed.line)) {
    const lastLine = spanEnd.get(unclosed.line) ?? unclosed.line;
    const raw = (options.recordText.get(unclosed.offset) ?? '').split('\n')[0]!.replace(/\r$/, '');
    const field = openQuoteField(raw, options.delimiter);
    const reason = 'UNQUOTED VALUE: a quoted value starts on this line and is never closed';
    byLine.set(unclosed.line, {
      line: unclosed.line,
      lastLine,
      reason: options.describe({ byte_position: '', error_types: ['UNQUOTED VALUE'], column_name: field === null ? null : `c${field}`, reason, raw }),
      raw,
      rereadRest: lastLine > unclosed.line,
    });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/** The field whose quote is still open at the end of the line, by the reader's quoting rules. */
function openQuoteField(line: string, delimiter: string): number | null {
  let field = 0;
  let fieldStart = 0;
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (inQuotes) {
      if (char === '"' && line[i + 1] === '"') i++;
      else if (char === '"') inQuotes = false;
    } else if (char === delimiter) {
      field++;
      fieldStart = i + 1;
    } else if (char === '"' && (i === fieldStart || (i === fieldStart + 1 && line[fieldStart] === ' '))) {
      inQuotes = true;
    }
  }
  return inQuotes ? field : null;
}
