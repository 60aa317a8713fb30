/**
 * The record tracker reads files in 1 MiB chunks, so a quote, an escaped quote or a CRLF can
 * fall on a chunk boundary; where records start and end must not depend on where the cuts are.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordTracker, type RecordSummary } from '../../src/ingest/record-tracker.js';

function track(text: Buffer, cuts: readonly number[]): RecordSummary {
  const tracker = new RecordTracker(0x2c, 40, 2, 0);
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    tracker.feed(text.subarray(from, cut), from);
    from = cut;
  }
  tracker.feed(text.subarray(from), from);
  return tracker.finish(text.length);
}

const piece = fc.constantFrom('a', ',', ' ', '"', '""', '\n', '\r\n', '\n\n', 'long text over forty bytes in one record');

describe('record tracker', () => {
  it('finds the same blank lines, multi-line records and long records however the text is cut', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, rawCuts) => {
        const text = Buffer.from(pieces.join(''));
        const cuts = rawCuts.map((c) => (text.length ? c % text.length : 0));
        expect(track(text, cuts)).toEqual(track(text, []));
      }),
      { numRuns: 500 },
    );
  });

  it('follows quotes as the CSV reader does: at a field start or one space after it, doubled inside, across lines', () => {
    const lines = ['a,"b\n\nc",d', '', 'x,1"2,"3', '"q""\n""",z', 'e,"unclosed', 'f, "g', 'h",i,  "j', 'k', ''];

    expect(track(Buffer.from(lines.join('\n')), [])).toEqual({
      totalLines: 12,
      blankLines: [5],
      multiLineRecords: [
        { start: 2, end: 4 },
        { start: 6, end: 7 },
        { start: 8, end: 9 },
        { start: 10, end: 11 },
      ],
      longRecords: [],
      unclosedAtEnd: null,
    });
  });

  it('notices a quote left open at the end of the text', () => {
    const text = Buffer.from('a,b\nc,"d\ne\n');

    expect(track(text, [])).toMatchObject({ totalLines: 4, multiLineRecords: [{ start: 3, end: 4 }], unclosedAtEnd: { line: 3, offset: 4 } });
    expect(track(Buffer.from('a,"b""'), []).unclosedAtEnd).toEqual({ line: 2, offset: 0 });
    expect(track(Buffer.from('a,"b"'), []).unclosedAtEnd).toBeNull();
  });
});
