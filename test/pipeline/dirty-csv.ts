/**
 * fast-check arbitraries for dirty retail CSV files. Each generated line knows what it is, so a
 * property can say which lines bronze must hold and which the quality step must quarantine.
 */
import fc from 'fast-check';
import { HEADER } from './run-in-process.js';

export type LineKind = 'good' | 'quoted_text' | 'stray_quote' | 'missing_optional' | 'bad_number' | 'bad_date' | 'missing_required' | 'ragged' | 'blank' | 'duplicate';

export interface Line {
  readonly kind: LineKind;
  readonly text: string;
  /** True when an `error` rule must quarantine the line. */
  readonly quarantined: boolean;
}

export interface DirtyFile {
  readonly name: string;
  readonly lines: readonly Line[];
  readonly crlf: boolean;
  readonly finalNewline: boolean;
}

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const fields = fc.record({
  invoice: fc.integer({ min: 536_000, max: 536_030 }).map(String),
  stock: fc.constantFrom<string>('85123A', '71053', '22423', 'POST', '84029G'),
  description: fc.constantFrom<string>('WHITE METAL LANTERN', 'REGENCY CAKESTAND 3 TIER', 'POSTAGE'),
  quantity: fc.oneof(fc.integer({ min: 1, max: 48 }), fc.integer({ min: -12, max: -1 })).map(String),
  date: fc.date({ min: new Date('2010-12-01T00:00:00Z'), max: new Date('2011-12-09T23:59:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 16).replace('T', ' ') + ':00'),
  price: fc.constantFrom<string>('2.55', '3.39', '0', '12.75', '0.85'),
  customer: fc.constantFrom<string>('17850.0', '12346', '13047.0'),
  country: fc.constantFrom<string>('United Kingdom', 'France', 'EIRE', 'Germany'),
});
type Fields = typeof fields extends fc.Arbitrary<infer T> ? T : never;

const join = (f: Fields): string => [f.invoice, f.stock, csvField(f.description), f.quantity, f.date, f.price, f.customer, f.country].join(',');

const good = fields.map((f): Line => ({ kind: 'good', text: join(f), quarantined: false }));

const quotedText = fc
  .tuple(fields, fc.constantFrom('SET OF 3, ASSORTED', '12" RULER, "WOODEN"', 'TEA,COFFEE,SUGAR', 'said "hi"'))
  .map(([f, description]): Line => ({ kind: 'quoted_text', text: join({ ...f, description }), quarantined: false }));

// Real exports carry inch marks unquoted (12" RULER): text, not the start of a quoted field.
const strayQuote = fields.map((f): Line => ({ kind: 'stray_quote', text: join({ ...f, description: 'x' }).replace(',x,', ',12" RULER,'), quarantined: false }));

const missingOptional = fc
  .tuple(fields, fc.constantFrom('description', 'customer', 'country') as fc.Arbitrary<keyof Fields>)
  .map(([f, key]): Line => ({ kind: 'missing_optional', text: join({ ...f, [key]: '' }), quarantined: false }));

const badNumber = fc
  .tuple(fields, fc.constantFrom<[keyof Fields, string]>(['quantity', 'six'], ['quantity', '1.5'], ['quantity', '0'], ['price', 'abc'], ['price', '-1.00'], ['customer', 'ABC']))
  .map(([f, [key, value]]): Line => ({ kind: 'bad_number', text: join({ ...f, [key]: value }), quarantined: true }));

const badDate = fc
  .tuple(fields, fc.constantFrom('not a date', '2011-02-30 10:00:00', '1899-01-01 10:00:00'))
  .map(([f, date]): Line => ({ kind: 'bad_date', text: join({ ...f, date }), quarantined: true }));

const missingRequired = fc
  .tuple(fields, fc.constantFrom('invoice', 'stock', 'quantity', 'date', 'price') as fc.Arbitrary<keyof Fields>)
  .map(([f, key]): Line => ({ kind: 'missing_required', text: join({ ...f, [key]: '' }), quarantined: true }));

const ragged = fc
  .tuple(fields, fc.constantFrom('short', 'long', 'single'))
  .map(([f, how]): Line => {
    const text = join(f);
    const cut = how === 'short' ? text.split(',').slice(0, 5).join(',') : how === 'long' ? `${text},surplus` : 'just one field';
    return { kind: 'ragged', text: cut, quarantined: true };
  });

const blank: fc.Arbitrary<Line> = fc.constant({ kind: 'blank', text: '', quarantined: false });

/** A line, or a marker asking to repeat an earlier line of the file. */
const lineOrRepeat = fc.oneof(
  { weight: 6, arbitrary: good },
  { weight: 2, arbitrary: quotedText },
  { weight: 1, arbitrary: strayQuote },
  { weight: 2, arbitrary: missingOptional },
  { weight: 2, arbitrary: badNumber },
  { weight: 2, arbitrary: badDate },
  { weight: 2, arbitrary: missingRequired },
  { weight: 2, arbitrary: ragged },
  { weight: 2, arbitrary: blank },
  { weight: 3, arbitrary: fc.nat().map((n) => ({ repeat: n })) },
);

const fileLines = fc.array(lineOrRepeat, { minLength: 1, maxLength: 30 }).map((items) => {
  const lines: Line[] = [];
  for (const item of items) {
    if ('repeat' in item) {
      const earlier = lines.filter((l) => l.kind !== 'blank');
      const source = earlier[item.repeat % Math.max(earlier.length, 1)];
      if (source) lines.push({ ...source, kind: 'duplicate' });
    } else {
      lines.push(item);
    }
  }
  // A file needs one data line at least, or it is refused as empty (another test's subject).
  return lines.some((l) => l.kind !== 'blank') ? lines : [...lines, { kind: 'good' as const, text: '536000,85123A,HOLDER,1,2011-01-04 10:00:00,2.55,,France', quarantined: false }];
});

/** One to three files; a later file may repeat a line of the file before it (a re-sent row). */
export const dirtyFiles: fc.Arbitrary<DirtyFile[]> = fc
  .array(fc.record({ lines: fileLines, crlf: fc.boolean(), finalNewline: fc.boolean(), borrow: fc.option(fc.nat()) }), { minLength: 1, maxLength: 3 })
  .map((files) =>
    files.map(({ borrow, ...f }, i) => {
      const earlier = i > 0 && borrow !== null ? files[i - 1]!.lines.filter((l) => l.kind !== 'blank') : [];
      const repeated = earlier.length ? [{ ...earlier[borrow! % earlier.length]!, kind: 'duplicate' as const }] : [];
      return { ...f, lines: [...f.lines, ...repeated], name: `day-${i + 1}.csv` };
    }),
  );

export function fileText(file: DirtyFile): string {
  const eol = file.crlf ? '\r\n' : '\n';
  return [HEADER, ...file.lines.map((l) => l.text)].join(eol) + (file.finalNewline ? eol : '');
}
