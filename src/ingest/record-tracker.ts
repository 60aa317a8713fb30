/**
 * Follows CSV records across physical lines the way the engine's reader splits them (RFC 4180:
 * a quote opens a field only at the start of a field, where DuckDB also allows one space before
 * it; `""` inside quotes is a literal quote; a newline inside quotes continues the record). Line numbers of accepted rows are derived from
 * this, so a blank line inside a quoted value must not count as a skipped line, and a stray quote
 * that swallows the following lines must be known to span exactly those lines.
 *
 * Fed the bytes after the header line; only quotes and newlines are looked at, via indexOf.
 */
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const SPACE = 0x20;

export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

export interface LongRecord {
  readonly line: number;
  /** 0-based byte offset of the record in the (decompressed) text. */
  readonly offset: number;
  readonly bytes: number;
}

export interface RecordSummary {
  /** Physical lines in the text, counting a last line without a newline. */
  readonly totalLines: number;
  /** Empty lines between records, which the reader skips. */
  readonly blankLines: readonly number[];
  /** Records whose quoted fields carry them over several physical lines. */
  readonly multiLineRecords: readonly LineSpan[];
  /** Records longer than the line limit, newlines inside quotes included. */
  readonly longRecords: readonly LongRecord[];
  /** The last record, when the text ends inside its quotes. */
  readonly unclosedAtEnd: { readonly line: number; readonly offset: number } | null;
}

export class RecordTracker {
  private line: number;
  private lineLength = 0; // bytes of the current physical line seen so far
  private lastByte = LF;
  private secondLastByte = LF;
  private inQuotes = false;
  private quotePending = false; // a quote ended the last chunk while inside quotes
  private recordLine: number;
  private recordOffset: number;
  private readonly blankLines: number[] = [];
  private readonly multiLineRecords: LineSpan[] = [];
  private readonly longRecords: LongRecord[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly maxRecordBytes: number,
    firstLine: number,
    firstOffset: number,
  ) {
    this.line = firstLine;
    this.recordLine = firstLine;
    this.recordOffset = firstOffset;
  }

  /** `base` is the 0-based offset of `chunk[0]` in the whole text. */
  feed(chunk: Buffer, base: number): void {
    const length = chunk.length;
    if (length === 0) return;
    let i = 0;
    if (this.quotePending) {
      this.quotePending = false;
      if (chunk[0] === QUOTE) i = 1;
      else this.inQuotes = false;
    }
    let lineStart = 0;
    let nextQuote = -2;
    let nextLf = -2;
    const quoteFrom = (from: number): number => (nextQuote >= from || nextQuote === -1 ? nextQuote : (nextQuote = chunk.indexOf(QUOTE, from)));
    const lfFrom = (from: number): number => (nextLf >= from || nextLf === -1 ? nextLf : (nextLf = chunk.indexOf(LF, from)));
    const before = (index: number): number => (index >= 0 ? chunk[index]! : index === -1 ? this.lastByte : this.secondLastByte);

    while (i < length) {
      const q = quoteFrom(i);
      const lf = lfFrom(i);
      if (this.inQuotes) {
        if (lf !== -1 && (q === -1 || lf < q)) {
          this.endPhysicalLine(chunk, lf, lineStart, base, false);
          lineStart = lf + 1;
          i = lf + 1;
        } else if (q === -1) {
          break;
        } else if (q + 1 === length) {
          this.quotePending = true;
          break;
        } else if (chunk[q + 1] === QUOTE) {
          i = q + 2; // an escaped quote
        } else {
          this.inQuotes = false;
          i = q + 1;
        }
      } else if (q !== -1 && (lf === -1 || q < lf)) {
        const previous = before(q - 1);
        if (this.startsField(previous) || (previous === SPACE && this.startsField(before(q - 2)))) this.inQuotes = true;
        i = q + 1;
      } else if (lf !== -1) {
        this.endPhysicalLine(chunk, lf, lineStart, base, true);
        lineStart = lf + 1;
        i = lf + 1;
      } else {
        break;
      }
    }
    this.lineLength += length - lineStart;
    this.secondLastByte = length > 1 ? chunk[length - 2]! : this.lastByte;
    this.lastByte = chunk[length - 1]!;
  }

  private startsField(byte: number): boolean {
    return byte === this.delimiter || byte === LF;
  }

  /** Where the next byte fed will be: its physical line and the bytes before it on that line. */
  get position(): { readonly line: number; readonly lineLength: number } {
    return { line: this.line, lineLength: this.lineLength };
  }

  /** `totalBytes` is the length of the whole text. */
  finish(totalBytes: number): RecordSummary {
    const totalLines = this.lineLength > 0 ? this.line : this.line - 1;
    const open = this.recordOffset < totalBytes && this.recordLine <= totalLines;
    if (open) this.closeRecord(totalLines, totalBytes - this.recordOffset - (this.lastByte === LF || this.lastByte === CR ? 1 : 0));
    // A quote as the very last byte closes the value.
    const unclosedAtEnd = open && this.inQuotes && !this.quotePending ? { line: this.recordLine, offset: this.recordOffset } : null;
    return { totalLines, blankLines: this.blankLines, multiLineRecords: this.multiLineRecords, longRecords: this.longRecords, unclosedAtEnd };
  }

  private endPhysicalLine(chunk: Buffer, lf: number, lineStart: number, base: number, endsRecord: boolean): void {
    const endsWithCR = lf > lineStart ? chunk[lf - 1] === CR : this.lineLength > 0 && this.lastByte === CR;
    const lineBytes = this.lineLength + (lf - lineStart) - (endsWithCR ? 1 : 0);
    if (endsRecord) {
      if (this.recordLine === this.line && lineBytes === 0) this.blankLines.push(this.line);
      else this.closeRecord(this.line, base + lf - this.recordOffset - (endsWithCR ? 1 : 0));
      this.recordLine = this.line + 1;
      this.recordOffset = base + lf + 1;
    }
    this.line++;
    this.lineLength = 0;
  }

  private closeRecord(endLine: number, bytes: number): void {
    if (endLine > this.recordLine) this.multiLineRecords.push({ start: this.recordLine, end: endLine });
    if (bytes > this.maxRecordBytes) this.longRecords.push({ line: this.recordLine, offset: this.recordOffset, bytes });
  }
}
