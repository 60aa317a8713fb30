import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildCatalogue,
  COUNTRY_WEIGHTS,
  CSV_HEADER,
  csvField,
  formatPrice,
  generateRetailData,
  NON_PRODUCT_CODES,
  Prng,
  WeightedSampler,
  type GenerateSummary,
} from '../../src/generate/index.js';

// ---------------------------------------------------------------------------
// helpers

const tempDirs: string[] = [];

async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `strata-gen-${label}-`));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * A strict RFC 4180 parser: throws on a quote inside an unquoted field, on
 * anything but a separator after a closing quote, on CR, and on an
 * unterminated quoted field. Returns the records of the text.
 */
function parseCsvStrict(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let i = 0;
  const n = text.length;
  let atFieldStart = true;
  while (i < n) {
    const ch = text[i];
    if (atFieldStart && ch === '"') {
      // quoted field
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted field');
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += q;
        i++;
      }
      const after = text[i];
      if (after !== ',' && after !== '\n' && after !== undefined) {
        throw new Error(`unexpected ${JSON.stringify(after)} after a closing quote at offset ${i}`);
      }
      atFieldStart = false;
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '\n') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      atFieldStart = true;
      i++;
    } else if (ch === '"') {
      throw new Error(`quote inside an unquoted field at offset ${i}`);
    } else if (ch === '\r') {
      throw new Error(`CR at offset ${i}: line endings must be LF`);
    } else {
      field += ch;
      atFieldStart = false;
      i++;
    }
  }
  if (!atFieldStart || field !== '' || fields.length > 0) {
    throw new Error('the last record is not terminated by LF');
  }
  return records;
}

async function csvFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
}

interface Db {
  conn: DuckDBConnection;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): void;
}

async function openDb(): Promise<Db> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return {
    conn,
    async rows<T>(sql: string): Promise<T[]> {
      const reader = await conn.runAndReadAll(sql);
      return reader.getRowObjectsJson() as T[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

function csvGlob(dir: string): string {
  return path.join(dir, '*.csv').replace(/'/g, "''");
}

// ---------------------------------------------------------------------------

describe('generateRetailData', () => {
  it('gives byte-identical files for the same seed and different files for another seed', async () => {
    const [a, b, c] = await Promise.all([tempDir('same-a'), tempDir('same-b'), tempDir('other')]);
    const options = { rows: 20_000, rowsPerDay: 1500 };
    const sa = await generateRetailData({ ...options, seed: 7, outDir: a });
    const sb = await generateRetailData({ ...options, seed: 7, outDir: b });
    const sc = await generateRetailData({ ...options, seed: 8, outDir: c });

    const filesA = await csvFiles(a);
    expect(await csvFiles(b)).toEqual(filesA);
    expect(sb.bytes).toBe(sa.bytes);
    for (const f of filesA) {
      const [x, y] = await Promise.all([readFile(path.join(a, f)), readFile(path.join(b, f))]);
      expect(x.equals(y), `${f} differs between two runs with the same seed`).toBe(true);
    }

    const filesC = await csvFiles(c);
    const shared = filesA.filter((f) => filesC.includes(f));
    expect(shared.length).toBeGreaterThan(0);
    let differing = 0;
    for (const f of shared) {
      const [x, y] = await Promise.all([readFile(path.join(a, f)), readFile(path.join(c, f))]);
      if (!x.equals(y)) differing++;
    }
    expect(differing).toBe(shared.length);
    expect(sc.seed).toBe(8);
  });

  it('writes exactly the requested number of data lines into daily files named by date', async () => {
    const dir = await tempDir('count');
    const rows = 12_345;
    const summary = await generateRetailData({ rows, seed: 11, outDir: path.join(dir, 'nested', 'out'), rowsPerDay: 400 });
    const outDir = path.join(dir, 'nested', 'out');
    const files = await csvFiles(outDir);

    expect(summary.rows).toBe(rows);
    expect(summary.files.map((f) => path.basename(f))).toEqual(files);
    expect(files.length).toBeGreaterThan(20);
    let bytes = 0;
    for (const f of files) {
      expect(f).toMatch(/^\d{4}-\d{2}-\d{2}\.csv$/);
      const weekday = new Date(`${f.slice(0, 10)}T00:00:00Z`).getUTCDay();
      expect(weekday, `${f} is a Saturday`).not.toBe(6);
      bytes += (await stat(path.join(outDir, f))).size;
    }
    expect(summary.bytes).toBe(bytes);
    expect(files[0]).toBe('2010-12-01.csv');

    const db = await openDb();
    try {
      const [r] = await db.rows<{ n: number }>(
        `select count(*)::INTEGER as n from read_csv('${csvGlob(outDir)}', all_varchar=true, header=true)`,
      );
      expect(r?.n).toBe(rows);
    } finally {
      db.close();
    }
  });

  it('honours startDate and writes no files for zero rows', async () => {
    const dir = await tempDir('start');
    const s = await generateRetailData({ rows: 500, seed: 3, outDir: dir, startDate: '2012-03-05', rowsPerDay: 200 });
    const files = await csvFiles(dir);
    expect(files[0]).toBe('2012-03-05.csv');
    expect(s.files.length).toBe(files.length);

    const empty = await tempDir('empty');
    const z = await generateRetailData({ rows: 0, seed: 3, outDir: empty });
    expect(z).toMatchObject({ rows: 0, bytes: 0, files: [] });
  });

  it('rejects invalid options', async () => {
    const dir = await tempDir('invalid');
    await expect(generateRetailData({ rows: -1, seed: 1, outDir: dir })).rejects.toThrow(RangeError);
    await expect(generateRetailData({ rows: 1.5, seed: 1, outDir: dir })).rejects.toThrow(RangeError);
    await expect(generateRetailData({ rows: 10, seed: Number.NaN, outDir: dir })).rejects.toThrow(RangeError);
    await expect(generateRetailData({ rows: 10, seed: 1, outDir: dir, rowsPerDay: 0 })).rejects.toThrow(RangeError);
    await expect(generateRetailData({ rows: 10, seed: 1, outDir: dir, startDate: '2011-02-30' })).rejects.toThrow(RangeError);
    await expect(generateRetailData({ rows: 10, seed: 1, outDir: dir, startDate: '1/2/2011' })).rejects.toThrow(RangeError);
  });

  it('keeps memory bounded while writing 300k rows', async () => {
    const dir = await tempDir('memory');
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    let summary: GenerateSummary;
    try {
      summary = await generateRetailData({ rows: 300_000, seed: 5, outDir: dir });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(summary.rows).toBe(300_000);
    // ~26 MB of CSV is written; the process must not hold it.
    expect(summary.bytes).toBeGreaterThan(20_000_000);
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  });
});

describe('a 50k-row sample', () => {
  const ROWS = 50_000;
  let dir: string;
  let db: Db;
  let lines: string[][] = [];
  let rawText = '';
  const fileOfRecord: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('sample');
    await generateRetailData({ rows: ROWS, seed: 2024, outDir: dir });
    const texts: string[] = [];
    for (const f of await csvFiles(dir)) {
      const text = await readFile(path.join(dir, f), 'utf8');
      texts.push(text);
      const records = parseCsvStrict(text);
      expect(records[0]?.join(',')).toBe(CSV_HEADER);
      for (const r of records.slice(1)) {
        lines.push(r);
        fileOfRecord.push(f);
      }
    }
    rawText = texts.join('');
    db = await openDb();
    await db.conn.run(
      `create table t as select * from read_csv('${csvGlob(dir)}', header=true, all_varchar=true, strict_mode=true,
         delim=',', quote='"', escape='"', filename=true)`,
    );
  });

  afterAll(() => {
    db?.close();
    lines = [];
  });

  async function share(where: string): Promise<number> {
    const [r] = await db.rows<{ n: number }>(`select (count(*) filter (where ${where}))::INTEGER as n from t`);
    return (r?.n ?? 0) / ROWS;
  }

  it('parses strictly into 8 fields on every line, with one record per physical line', () => {
    expect(lines.length).toBe(ROWS);
    for (const [i, r] of lines.entries()) {
      if (r.length !== 8) throw new Error(`record ${i} has ${r.length} fields: ${JSON.stringify(r)}`);
    }
    const physicalLines = rawText.split('\n').length - 1;
    const files = new Set(fileOfRecord).size;
    expect(physicalLines).toBe(ROWS + files); // one header per file, no embedded newlines
    expect(rawText.includes('\r')).toBe(false);
  });

  it('quotes exactly the fields that need it (canonical RFC 4180)', () => {
    const reencoded = lines.map((r) => r.map(csvField).join(','));
    const original = rawText.split('\n').filter((l) => l !== '' && l !== CSV_HEADER);
    expect(reencoded).toEqual(original);
  });

  it('is read by DuckDB in strict mode with the same row count', async () => {
    const [r] = await db.rows<{ n: number }>('select count(*)::INTEGER as n from t');
    expect(r?.n).toBe(ROWS);
  });

  it('has values in the formats of the real files', () => {
    const products = /^\d{5}[A-Za-z]?$/;
    const nonProduct = new Set(NON_PRODUCT_CODES.map((c) => c.code));
    const countries = new Set(COUNTRY_WEIGHTS.map(([c]) => c));
    for (const [i, r] of lines.entries()) {
      const [invoice, code, , qty, date, price, customer, country] = r as [string, string, string, string, string, string, string, string];
      const ctx = `record ${i}: ${JSON.stringify(r)}`;
      if (!/^[CA]?\d{6,}$/.test(invoice)) throw new Error(`bad InvoiceNo, ${ctx}`);
      if (!(products.test(code) || nonProduct.has(code) || code === 'B' || /^gift_0001_\d+$/.test(code))) {
        throw new Error(`bad StockCode, ${ctx}`);
      }
      if (!/^-?\d+$/.test(qty) || qty === '0' || qty === '-0') throw new Error(`bad Quantity, ${ctx}`);
      const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):00$/.exec(date);
      if (!m) throw new Error(`bad InvoiceDate, ${ctx}`);
      if (m[1] !== fileOfRecord[i]?.slice(0, 10)) throw new Error(`date not of its file ${fileOfRecord[i]}, ${ctx}`);
      const hour = Number(m[2]);
      if (hour < 6 || hour > 20) throw new Error(`outside trading hours, ${ctx}`);
      if (!/^-?\d+\.\d{1,3}$/.test(price)) throw new Error(`bad UnitPrice, ${ctx}`);
      if (customer !== '') {
        const id = Number(customer);
        if (!/^\d{5}\.0$/.test(customer) || id < 12346 || id > 18287) throw new Error(`bad CustomerID, ${ctx}`);
      }
      if (!countries.has(country)) throw new Error(`unknown Country, ${ctx}`);
    }
  });

  it('groups lines into invoices with one customer, one country and one timestamp each', () => {
    const invoices = new Map<string, { key: string; lines: number }>();
    const finished = new Set<string>();
    let previous = '';
    for (const r of lines) {
      const [invoice, , , , date, , customer, country] = r as [string, string, string, string, string, string, string, string];
      if (invoice !== previous) {
        finished.add(previous);
        // an invoice's lines are contiguous
        if (finished.has(invoice)) throw new Error(`invoice ${invoice} is split`);
        previous = invoice;
      }
      const key = `${date}|${customer}|${country}`;
      const inv = invoices.get(invoice);
      if (inv) {
        if (inv.key !== key) throw new Error(`invoice ${invoice} mixes ${inv.key} and ${key}`);
        inv.lines++;
      } else {
        invoices.set(invoice, { key, lines: 1 });
      }
    }
    const sizes = [...invoices.values()].map((v) => v.lines).sort((x, y) => x - y);
    expect(sizes[0]).toBe(1);
    expect(sizes.at(-1)).toBeLessThanOrEqual(80);
    const median = sizes[Math.floor(sizes.length / 2)] as number;
    expect(median).toBeGreaterThanOrEqual(5);
    expect(median).toBeLessThanOrEqual(20);
  });

  it('has cancellations (C invoices with negative quantities) at about 1.7% of lines', async () => {
    const rate = await share(`InvoiceNo like 'C%'`);
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.026);
    expect(await share(`InvoiceNo like 'C%' and Quantity::INTEGER >= 0`)).toBe(0);
  });

  it('has negative-quantity adjustments without a C prefix at about 0.2% of lines', async () => {
    const rate = await share(`Quantity::INTEGER < 0 and InvoiceNo not like 'C%'`);
    expect(rate).toBeGreaterThan(0.001);
    expect(rate).toBeLessThan(0.004);
    // as in the real data: mostly zero price, no description, no customer
    const typical = await share(
      `Quantity::INTEGER < 0 and InvoiceNo not like 'C%' and UnitPrice::DOUBLE = 0 and Description is null and CustomerID is null`,
    );
    expect(typical / rate).toBeGreaterThan(0.9);
  });

  it('has zero unit prices at about 0.5% of lines', async () => {
    const rate = await share('UnitPrice::DOUBLE = 0');
    expect(rate).toBeGreaterThan(0.0025);
    expect(rate).toBeLessThan(0.009);
  });

  it('has a rare Adjust bad debt line with a negative price on an A invoice', async () => {
    const rows = await db.rows<{ InvoiceNo: string; Description: string; UnitPrice: string }>(
      `select InvoiceNo, Description, UnitPrice from t where StockCode = 'B'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length / ROWS).toBeLessThan(0.0005);
    for (const r of rows) {
      expect(r.InvoiceNo).toMatch(/^A\d+$/);
      expect(r.Description).toBe('Adjust bad debt');
    }
    expect(rows.some((r) => Number(r.UnitPrice) < 0)).toBe(true);
    expect(await share(`UnitPrice::DOUBLE < 0 and StockCode <> 'B'`)).toBe(0);
  });

  it('has guest purchases (empty CustomerID) at about 25% of lines', async () => {
    const rate = await share('CustomerID is null');
    expect(rate).toBeGreaterThan(0.18);
    expect(rate).toBeLessThan(0.32);
  });

  it('has exact duplicate lines, repeated right after themselves, at about 1% of lines', async () => {
    let adjacent = 0;
    for (let i = 1; i < lines.length; i++) {
      if ((lines[i] as string[]).join('\u0001') === (lines[i - 1] as string[]).join('\u0001')) adjacent++;
    }
    expect(adjacent / ROWS).toBeGreaterThan(0.004);
    expect(adjacent / ROWS).toBeLessThan(0.016);
    const [r] = await db.rows<{ n: number }>(
      `select coalesce(sum(c - 1), 0)::INTEGER as n from (
         select count(*) as c from t
         group by InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country having c > 1)`,
    );
    expect((r?.n ?? 0) / ROWS).toBeGreaterThan(0.005);
    expect((r?.n ?? 0) / ROWS).toBeLessThan(0.02);
  });

  it('has non-product stock codes (POST, DOT, M, ...) at about 0.5% of lines', async () => {
    const codes = NON_PRODUCT_CODES.map((c) => `'${c.code}'`).join(',');
    const rate = await share(`StockCode in (${codes})`);
    expect(rate).toBeGreaterThan(0.003);
    expect(rate).toBeLessThan(0.009);
    const seen = await db.rows<{ StockCode: string }>(`select distinct StockCode from t where StockCode in (${codes})`);
    const seenCodes = new Set(seen.map((s) => s.StockCode));
    for (const c of ['POST', 'DOT', 'M']) expect(seenCodes.has(c), `${c} missing`).toBe(true);
    expect(seenCodes.size).toBeGreaterThanOrEqual(5);
  });

  it('has missing descriptions at about 0.3% of lines', async () => {
    const rate = await share('Description is null');
    expect(rate).toBeGreaterThan(0.0015);
    expect(rate).toBeLessThan(0.005);
  });

  it('has descriptions with quoted commas and non-ASCII text', async () => {
    expect(await share(`Description like '%,%'`)).toBeGreaterThan(0.001);
    expect(await share(`regexp_matches(Description, '[^\\x00-\\x7F]')`)).toBeGreaterThan(0.001);
    expect(rawText).toMatch(/,"[^"\n]*,[^"\n]*",/);
    expect(rawText).toMatch(/[ÉÜØÑÇñç£]/);
  });

  it('is mostly United Kingdom, with a long tail of other countries', async () => {
    const uk = await share(`Country = 'United Kingdom'`);
    expect(uk).toBeGreaterThan(0.85);
    expect(uk).toBeLessThan(0.95);
    const [r] = await db.rows<{ n: number }>('select count(distinct Country)::INTEGER as n from t');
    expect(r?.n).toBeGreaterThanOrEqual(15);
  });
});

describe('catalogue', () => {
  it('is the same for the same seed and has real-looking stock codes and descriptions', () => {
    const a = buildCatalogue(99);
    const b = buildCatalogue(99);
    expect(a.products.map((p) => p.codeDesc)).toEqual(b.products.map((p) => p.codeDesc));
    expect(buildCatalogue(100).products.map((p) => p.codeDesc)).not.toEqual(a.products.map((p) => p.codeDesc));

    const codes = new Set(a.products.map((p) => p.code));
    expect(codes.size).toBe(a.products.length);
    const standard = a.products.filter((p) => /^\d{5}[A-Za-z]?$/.test(p.code));
    expect(standard.length / a.products.length).toBeGreaterThan(0.99);
    expect(standard.some((p) => /[A-Z]$/.test(p.code))).toBe(true);
    expect(a.products.some((p) => p.description.includes(','))).toBe(true);
    expect(a.products.some((p) => p.description.includes('"') && p.codeDesc.includes('""'))).toBe(true);
    expect(a.products.some((p) => /[^\x00-\x7F]/.test(p.description))).toBe(true);
    for (const p of a.products) expect(p.codeDesc).toBe(`${p.code},${csvField(p.description)}`);
  });
});

describe('csvField and formatPrice', () => {
  // Mostly the characters that matter to CSV, plus arbitrary graphemes.
  const csvUnit = fc.oneof(
    fc.constantFrom('"', ',', '\n', ' ', 'a', 'É', '£'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  );

  it('round-trips any text through a strict RFC 4180 parser', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: csvUnit }), { minLength: 1, maxLength: 5 }), (fields) => {
        const clean = fields.map((f) => f.replace(/\r/g, ''));
        const line = `${clean.map(csvField).join(',')}\n`;
        expect(parseCsvStrict(line)).toEqual([clean]);
      }),
    );
  });

  it('formats prices like the real files', () => {
    expect(formatPrice(255)).toBe('2.55');
    expect(formatPrice(210)).toBe('2.1');
    expect(formatPrice(1800)).toBe('18.0');
    expect(formatPrice(0)).toBe('0.0');
    expect(formatPrice(5)).toBe('0.05');
    expect(formatPrice(-1106206)).toBe('-11062.06');
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (pence) => {
        expect(Math.round(Number(formatPrice(pence)) * 100)).toBe(pence);
      }),
    );
  });
});

describe('Prng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const draw = (seed: number): number[] => {
      const r = new Prng(seed);
      return Array.from({ length: 20 }, () => r.nextUint32());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
    expect(new Prng(1, 1).nextUint32()).not.toBe(new Prng(1, 2).nextUint32());
  });

  it('keeps int() within its inclusive bounds and hits both ends', () => {
    const r = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(-2, 3);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('samples weighted indices in proportion to their weights', () => {
    const r = new Prng(4);
    const sampler = new WeightedSampler([1, 0, 3, 6]);
    const counts = [0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[sampler.sample(r)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[0]! / n).toBeCloseTo(0.1, 1);
    expect(counts[2]! / n).toBeCloseTo(0.3, 1);
    expect(counts[3]! / n).toBeCloseTo(0.6, 1);
    const g = Array.from({ length: 20_000 }, () => r.gaussian(5, 2));
    const mean = g.reduce((s, x) => s + x, 0) / g.length;
    expect(mean).toBeCloseTo(5, 1);
  });
});
