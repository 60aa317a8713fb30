/**
 * Whatever quoting dirt a folder of files carries, every row in bronze names the physical line
 * it starts on, every rejected line's raw text is that line, and a good line is never lost to a
 * neighbour's broken quote. (A good value spanning lines that follows an unclosed quote is
 * genuinely ambiguous, so only where it lands is checked, not that it loads.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, type Warehouse } from '../../src/engine/index.js';
import { ingestPaths } from '../../src/ingest/index.js';
import { tempDir } from '../helpers/cli.js';
import { HEADER } from './fixtures.js';

type Kind = 'good' | 'spaced_quote' | 'two_spaces' | 'spanning' | 'blank' | 'short' | 'long' | 'unclosed' | 'spaced_unclosed' | 'quote_then_text' | 'inch_mark';

const REST = '6,2010-12-01 08:26:00,2.55,17850,United Kingdom';

/** Physical lines of one record; `L<n>` in the first field is the line it starts on. */
function render(kind: Kind, line: number, parts: readonly string[]): string[] {
  switch (kind) {
    case 'good':
      return [`L${line},SKU,"A, B",${REST}`];
    case 'spaced_quote': // one space before a quote still opens it
      return [`L${line},SKU, "A, B",${REST}`];
    case 'two_spaces': // two spaces make it text
      return [`L${line},SKU,  "A B",${REST}`];
    case 'spanning':
      return `L${line},SKU,"${['L', ...parts].join('\n').replaceAll('"', '""')}",${REST}`.split('\n');
    case 'blank':
      return [''];
    case 'short':
      return [`X${line},SKU,TOO FEW`];
    case 'long':
      return [`X${line},SKU,d,${REST},surplus`];
    case 'unclosed':
      return [`X${line},SKU,"unclosed,${REST}`];
    case 'spaced_unclosed':
      return [`X${line},SKU, "unclosed,${REST}`];
    case 'quote_then_text':
      return [`X${line},SKU,"quoted" then text,${REST}`];
    case 'inch_mark':
      return [`L${line},SKU,12" RULER,${REST}`];
  }
}

const record = fc.tuple(
  fc.constantFrom<Kind>('good', 'good', 'good', 'spaced_quote', 'two_spaces', 'spanning', 'blank', 'short', 'long', 'unclosed', 'spaced_unclosed', 'quote_then_text', 'inch_mark'),
  fc.array(fc.constantFrom('', 'more', 'a,b', 'say "hi"'), { minLength: 1, maxLength: 3 }),
);

interface FileSpec {
  readonly records: readonly (readonly [Kind, readonly string[]])[];
  readonly crlf: boolean;
  readonly finalNewline: boolean;
}

const file: fc.Arbitrary<FileSpec> = fc.record({
  // A file of blank lines only is refused as having no rows, which whole-file-errors covers.
  records: fc.array(record, { minLength: 1, maxLength: 25 }).filter((records) => records.some(([kind]) => kind !== 'blank')),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
});

interface Expected {
  readonly text: string;
  readonly lines: readonly string[];
  /** Lines where a row must load. */
  readonly mustLoad: readonly number[];
}

function build(spec: FileSpec): Expected {
  const lines = [HEADER];
  const mustLoad: number[] = [];
  let unclosedBefore = false;
  for (const [kind, parts] of spec.records) {
    const line = lines.length + 1;
    if (kind === 'good' || kind === 'spaced_quote' || kind === 'two_spaces' || kind === 'inch_mark' || (kind === 'spanning' && !unclosedBefore)) mustLoad.push(line);
    if (kind === 'unclosed' || kind === 'spaced_unclosed') unclosedBefore = true;
    lines.push(...render(kind, line, parts));
  }
  const eol = spec.crlf ? '\r\n' : '\n';
  return { text: lines.join(eol) + (spec.finalNewline ? eol : ''), lines, mustLoad };
}

let warehouse: Warehouse;
const temp = tempDir('strata-lines-');
let round = 0;

beforeAll(async () => {
  warehouse = await openWarehouse({ path: path.join(temp.dir, 'strata.duckdb'), threads: 1 });
  await migrate(warehouse);
});
afterAll(async () => {
  await warehouse?.close();
  temp.cleanup();
});

describe('physical line numbers', () => {
  it('are exact for every row and rejected line, in folders of files full of quoting dirt', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 7 }), async (specs) => {
        const dir = path.join(temp.dir, `in${round++}`);
        mkdirSync(dir);
        const expected = specs.map((spec, i) => ({ ...build(spec), file: path.join(dir, `f${i}.csv`) }));
        for (const e of expected) writeFileSync(e.file, e.text);

        const report = await ingestPaths(warehouse, [dir], { runId: `run_${round}`, stagingDir: path.join(temp.dir, 'staging'), maxLineBytes: 1 << 20, concurrency: 2, defaultDateOrder: 'mdy' });

        expect(report.files.filter((f) => f.status === 'failed')).toEqual([]);
        const rows = await warehouse.query<{ file: string; line: number; invoice: string | null; raw: string | null }>(
          `SELECT _file AS file, _line::INTEGER AS line, invoice_no AS invoice, _raw_line AS raw FROM bronze.transactions_raw WHERE _file LIKE $dir || '%'`,
          { dir },
        );
        for (const e of expected) {
          if (report.files.find((f) => f.file === e.file)?.status !== 'loaded') continue;
          const own = rows.filter((r) => r.file === e.file);
          expect(new Set(own.map((r) => r.line)).size).toBe(own.length);
          for (const r of own) {
            if (r.invoice !== null) expect(r.invoice).toBe(`L${r.line}`);
            else expect(r.raw!.startsWith(e.lines[r.line - 1]!)).toBe(true);
          }
          expect(own.filter((r) => r.invoice !== null).map((r) => r.line)).toEqual(expect.arrayContaining([...e.mustLoad]));
        }
      }),
      { numRuns: 25 },
    );
  });
});
