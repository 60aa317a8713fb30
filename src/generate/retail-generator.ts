/**
 * Seeded, streaming generator of synthetic "Online Retail" CSV files: one file
 * per trading day (`YYYY-MM-DD.csv`), the same header, formats and kinds of
 * dirt as the real UCI data set, at roughly the real proportions.
 *
 * Memory stays bounded: lines are built into chunks of a few thousand lines,
 * written through an fs write stream that is allowed to drain, and at most two
 * files are in flight (the previous day's file may still be flushing and
 * closing while the next one is being generated).
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { finished } from 'node:stream/promises';

import { buildCatalogue, formatPrice, type Catalogue, type CountryInfo, type NonProductCode } from './catalogue.js';
import { Prng, WeightedSampler } from './prng.js';

export { csvField, formatPrice } from './catalogue.js';

export interface GenerateOptions {
  /** Total number of data lines across all files. */
  rows: number;
  seed: number;
  /** Output directory, created if missing. */
  outDir: string;
  /** First calendar day, `YYYY-MM-DD` (default `2010-12-01`). */
  startDate?: string;
  /** Average number of lines per trading day (default 1800). */
  rowsPerDay?: number;
}

export interface GenerateSummary {
  /** Paths of the files written, in date order. */
  files: readonly string[];
  rows: number;
  bytes: number;
  seed: number;
}

export const CSV_HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

// ---------------------------------------------------------------------------
// Tuning. Rates are chosen so that the *line* shares come out close to the real
// data: cancellations ~1.7%, negative-quantity adjustments ~0.2%, zero price
// ~0.5%, missing descriptions ~0.3%, guests ~25%, exact duplicates ~1%,
// non-product stock codes ~0.5%.

/** Lines per output chunk (one write() per chunk). */
const CHUNK_LINES = 4096;
/** Buffered bytes per write stream before write() asks us to wait. */
const STREAM_HIGH_WATER_MARK = 1 << 20;

const FIRST_INVOICE = 536365;
const P_CANCEL_INVOICE = 0.1;
const P_ADJUSTMENT_INVOICE = 0.0305;
const P_MISSING_DESC_INVOICE = 0.0145;
const P_SINGLE_LINE_SALE = 0.12;
const MAX_INVOICE_LINES = 60;
const P_POST_FOREIGN = 0.22;
const P_DOT_GUEST = 0.1;
const P_NON_PRODUCT_LINE = 0.0018;
const P_NON_PRODUCT_CANCEL_LINE = 0.08;
const P_ZERO_PRICE_LINE = 0.002;
const P_DUPLICATE_LINE = 0.0072;
const P_CANCEL_GUEST_FACTOR = 0.1;

/** Relative volume by weekday (Sunday = 0; Saturday has no trading). */
const WEEKDAY_FACTOR = [0.71, 1.05, 1.13, 1.05, 1.15, 0.91, 0];
/** Relative volume by month (January = 0), averaging about 1. */
const MONTH_FACTOR = [0.75, 0.72, 0.9, 0.8, 0.95, 0.9, 0.9, 0.9, 1.25, 1.35, 1.6, 1.1];
/** Lines per hour of day in the real data (hours 6..20). */
const HOURLY_LINES: readonly (readonly [hour: number, lines: number])[] = [
  [6, 41], [7, 383], [8, 8909], [9, 34332], [10, 49037], [11, 57674], [12, 78709], [13, 72259],
  [14, 67471], [15, 77519], [16, 54516], [17, 28509], [18, 7974], [19, 3705], [20, 871],
];

const TIME_TABLE_SIZE = 4096;

/**
 * Maps the fraction of a day's lines already written to a time of day, so that
 * invoice times increase through the day and follow the real hourly profile.
 */
function buildTimeTable(): string[] {
  const minutes: string[] = [];
  const cdf: number[] = [];
  let total = 0;
  for (const [, lines] of HOURLY_LINES) total += lines;
  let acc = 0;
  for (const [hour, lines] of HOURLY_LINES) {
    for (let m = 0; m < 60; m++) {
      acc += lines / 60 / total;
      cdf.push(acc);
      minutes.push(`${String(hour).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);
    }
  }
  const table: string[] = new Array<string>(TIME_TABLE_SIZE);
  let j = 0;
  for (let k = 0; k < TIME_TABLE_SIZE; k++) {
    const q = (k + 0.5) / TIME_TABLE_SIZE;
    while (j < cdf.length - 1 && (cdf[j] as number) < q) j++;
    table[k] = minutes[j] as string;
  }
  return table;
}

const TIME_TABLE = buildTimeTable();

/** Positive quantities, weighted to match the real quantiles (p50 3, p90 24, p99 100). */
const QUANTITIES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 25, 36, 48, 50, 72, 96, 100, 120, 144, 200, 288, 480, 1000];
const QUANTITY_WEIGHTS = [
  26, 16, 9, 7, 2, 8, 3, 5, 10, 1, 1.5, 5, 1, 1, 2, 0.5, 0.5, 0.5, 0.5, 0.15, 0.2, 0.1, 0.07, 0.05, 0.03,
];
const QUANTITY_SAMPLER = new WeightedSampler(QUANTITY_WEIGHTS);

const CANCEL_SIZES = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
const CANCEL_SIZE_SAMPLER = new WeightedSampler([60, 12, 7, 5, 4, 3, 3, 2, 2, 2]);

function parseStartDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`startDate must be YYYY-MM-DD, got '${text}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const check = new Date(t);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`startDate is not a valid date: '${text}'`);
  }
  return t;
}

const DAY_MS = 86_400_000;

interface TradingDay {
  readonly date: string;
  readonly weekday: number;
  readonly month: number;
}

/**
 * Trading days from the start date: no Saturdays, a closed Christmas break
 * (24 Dec .. 3 Jan) and a few seeded closures (bank holidays and the like).
 */
function* tradingDays(startMs: number, rng: Prng): Generator<TradingDay> {
  for (let t = startMs; ; t += DAY_MS) {
    const d = new Date(t);
    const weekday = d.getUTCDay();
    const month = d.getUTCMonth();
    const day = d.getUTCDate();
    const closedDay = rng.chance(0.025); // drawn for every day, so the calendar is stable
    if (weekday === 6) continue;
    if ((month === 11 && day >= 24) || (month === 0 && day <= 3)) continue;
    if (closedDay && t !== startMs) continue;
    yield { date: d.toISOString().slice(0, 10), weekday, month };
  }
}

/** Builds the lines; holds the current chunk and the running counters. */
class LineFactory {
  chunk = '';
  chunkLines = 0;
  private invoiceNo = FIRST_INVOICE;
  private linesTotal = 0;
  private nextBadDebtAt: number;
  private readonly products: Catalogue['products'];
  private readonly productSampler: WeightedSampler;
  private readonly countries: Catalogue['countries'];
  private readonly countrySampler: WeightedSampler;
  private readonly uk: CountryInfo;
  private readonly post: NonProductCode;
  private readonly dot: NonProductCode;

  constructor(
    private readonly rng: Prng,
    private readonly catalogue: Catalogue,
  ) {
    this.products = catalogue.products;
    this.productSampler = catalogue.productSampler;
    this.countries = catalogue.countries;
    this.countrySampler = catalogue.countrySampler;
    this.uk = catalogue.countries[catalogue.ukIndex] as CountryInfo;
    this.post = catalogue.nonProduct.sale.find((c) => c.code === 'POST') as NonProductCode;
    this.dot = catalogue.nonProduct.sale.find((c) => c.code === 'DOT') as NonProductCode;
    this.nextBadDebtAt = rng.int(5_000, 25_000);
  }

  private nextInvoiceNo(): number {
    const n = this.invoiceNo;
    this.invoiceNo += this.rng.chance(0.375) ? this.rng.int(2, 4) : 1;
    return n;
  }

  private quantity(): number {
    return QUANTITIES[QUANTITY_SAMPLER.sample(this.rng)] as number;
  }

  private customerOf(country: CountryInfo, guestShare: number): string {
    const pool = country.customers;
    if (pool.length === 0 || (guestShare > 0 && this.rng.chance(guestShare))) return '';
    // Skewed: a few customers buy far more often than the rest.
    const u = this.rng.float();
    return pool[Math.floor(pool.length * u * u)] as string;
  }

  private nonProductLine(
    head: string,
    code: NonProductCode,
    sign: 1 | -1,
    mid: string,
    tail: string,
  ): string {
    const price = code.price(this.rng);
    const priceText = typeof price === 'string' ? price : formatPrice(price);
    const qty = sign * code.quantity(this.rng);
    return `${head}${code.code},${code.description},${qty}${mid}${priceText}${tail}`;
  }

  private push(line: string): void {
    this.chunk += line;
    this.chunkLines++;
    this.linesTotal++;
  }

  /**
   * Appends one invoice (or the part of it that fits) to the chunk and returns
   * the number of lines written, at most `room` (which is at least 1).
   */
  emitInvoice(dateText: string, dayFraction: number, room: number): number {
    const rng = this.rng;
    const time = TIME_TABLE[Math.min(TIME_TABLE_SIZE - 1, Math.floor(dayFraction * TIME_TABLE_SIZE))] as string;
    const mid = `,${dateText} ${time},`;

    if (this.linesTotal >= this.nextBadDebtAt) {
      this.nextBadDebtAt = this.linesTotal + rng.int(60_000, 200_000);
      return this.emitBadDebt(mid, room);
    }

    const r = rng.float();
    if (r < P_CANCEL_INVOICE) return this.emitCancellation(mid, room);
    if (r < P_CANCEL_INVOICE + P_ADJUSTMENT_INVOICE) return this.emitAdjustment(mid, -1);
    if (r < P_CANCEL_INVOICE + P_ADJUSTMENT_INVOICE + P_MISSING_DESC_INVOICE) return this.emitAdjustment(mid, 1);
    return this.emitSale(mid, room);
  }

  private emitSale(mid: string, room: number): number {
    const rng = this.rng;
    const products = this.products;
    const country = this.countries[this.countrySampler.sample(rng)] as CountryInfo;
    const customer = this.customerOf(country, country.guestShare);
    const guest = customer === '';
    const head = `${this.nextInvoiceNo()},`;
    const tail = `,${customer},${country.name}\n`;
    const size = rng.chance(P_SINGLE_LINE_SALE)
      ? 1
      : Math.max(2, Math.min(MAX_INVOICE_LINES, Math.round(rng.logNormal(16, 0.8))));
    const limit = Math.min(size, room);
    const { sale, saleSampler } = this.catalogue.nonProduct;
    let written = 0;

    if (country !== this.uk && rng.chance(P_POST_FOREIGN)) {
      this.push(this.nonProductLine(head, this.post, 1, mid, tail));
      written++;
    }
    while (written < limit) {
      let line: string;
      if (rng.chance(P_NON_PRODUCT_LINE)) {
        line = this.nonProductLine(head, sale[saleSampler.sample(rng)] as NonProductCode, 1, mid, tail);
      } else {
        const p = products[this.productSampler.sample(rng)]!;
        const price = rng.chance(P_ZERO_PRICE_LINE) ? '0.0' : guest ? p.guestPriceText : p.priceText;
        line = `${head}${p.codeDesc},${this.quantity()}${mid}${price}${tail}`;
      }
      this.push(line);
      written++;
      if (written < room && rng.chance(P_DUPLICATE_LINE)) {
        this.push(line); // exact duplicate, right after itself
        written++;
      }
    }
    if (guest && written < room && country === this.uk && rng.chance(P_DOT_GUEST)) {
      this.push(this.nonProductLine(head, this.dot, 1, mid, tail));
      written++;
    }
    return written;
  }

  private emitCancellation(mid: string, room: number): number {
    const rng = this.rng;
    const country = this.countries[this.countrySampler.sample(rng)] as CountryInfo;
    const customer = this.customerOf(country, country.guestShare * P_CANCEL_GUEST_FACTOR);
    const head = `C${this.nextInvoiceNo()},`;
    const tail = `,${customer},${country.name}\n`;
    const size = Math.min(room, CANCEL_SIZES[CANCEL_SIZE_SAMPLER.sample(rng)] as number);
    const { cancel, cancelSampler } = this.catalogue.nonProduct;
    for (let i = 0; i < size; i++) {
      if (rng.chance(P_NON_PRODUCT_CANCEL_LINE)) {
        this.push(this.nonProductLine(head, cancel[cancelSampler.sample(rng)] as NonProductCode, -1, mid, tail));
      } else {
        const p = this.products[this.productSampler.sample(rng)]!;
        this.push(`${head}${p.codeDesc},-${this.quantity()}${mid}${customer === '' ? p.guestPriceText : p.priceText}${tail}`);
      }
    }
    return size;
  }

  /**
   * Stock adjustments as in the real data: a guest line with no description
   * and a zero price; negative quantity (no `C` prefix) or, less often, positive.
   */
  private emitAdjustment(mid: string, sign: 1 | -1): number {
    const rng = this.rng;
    const p = this.products[this.productSampler.sample(rng)]!;
    const qty = sign * Math.max(1, Math.round(rng.logNormal(sign < 0 ? 20 : 12, 1.1)));
    this.push(`${this.nextInvoiceNo()},${p.codeOnly},${qty}${mid}0.0,,${this.uk.name}\n`);
    return 1;
  }

  /** `Adjust bad debt`: invoice prefixed `A`, stock code `B`, negative price. */
  private emitBadDebt(mid: string, room: number): number {
    const rng = this.rng;
    const amount = Math.round(rng.logNormal(800_000, 0.6));
    let written = 0;
    if (room >= 2 && rng.chance(0.3)) {
      this.push(`A${this.nextInvoiceNo()},B,Adjust bad debt,1${mid}${formatPrice(amount)},,${this.uk.name}\n`);
      written++;
    }
    this.push(`A${this.nextInvoiceNo()},B,Adjust bad debt,1${mid}${formatPrice(-amount)},,${this.uk.name}\n`);
    return written + 1;
  }
}

/** Writes one chunk, waiting for the stream to drain when its buffer is full. */
async function writeChunk(stream: WriteStream, chunk: string): Promise<void> {
  if (stream.errored) throw stream.errored;
  if (!stream.write(chunk)) {
    // A stream that already failed will never emit 'drain'.
    if (stream.errored || stream.destroyed) throw stream.errored ?? new Error(`write stream closed: ${String(stream.path)}`);
    await once(stream, 'drain'); // rejects if the stream emits 'error' meanwhile
  }
}

/**
 * Writes `rows` synthetic transaction lines as daily CSV files into `outDir`.
 * Same options, byte-identical files.
 */
export async function generateRetailData(options: GenerateOptions): Promise<GenerateSummary> {
  const { rows, seed, outDir } = options;
  const rowsPerDay = options.rowsPerDay ?? 1800;
  if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isSafeInteger(rowsPerDay) || rowsPerDay < 1) {
    throw new RangeError(`rowsPerDay must be a positive integer, got ${rowsPerDay}`);
  }
  const startMs = parseStartDate(options.startDate ?? '2010-12-01');
  if (!outDir) throw new RangeError('outDir is required');

  await mkdir(outDir, { recursive: true });
  const catalogue = buildCatalogue(seed);
  const factory = new LineFactory(new Prng(seed, 0x11e5), catalogue);
  const volumeRng = new Prng(seed, 0xda75);
  const days = tradingDays(startMs, new Prng(seed, 0xca1e));

  const files: string[] = [];
  let bytes = 0;
  let remaining = rows;
  /** The previous day's file, possibly still flushing. */
  let pending: Promise<void> = Promise.resolve();
  while (remaining > 0) {
    const day = days.next().value as TradingDay;
    const jitter = Math.min(1.8, Math.max(0.4, volumeRng.gaussian(1, 0.22)));
    const planned = Math.round(rowsPerDay * (WEEKDAY_FACTOR[day.weekday] as number) * (MONTH_FACTOR[day.month] as number) * jitter);
    const quota = Math.min(remaining, Math.max(1, planned));

    const file = path.join(outDir, `${day.date}.csv`);
    const stream = createWriteStream(file, { highWaterMark: STREAM_HIGH_WATER_MARK });
    const closed = finished(stream);
    closed.catch(() => undefined); // surfaced below; avoid an unhandled rejection meanwhile
    try {
      factory.chunk = `${CSV_HEADER}\n`;
      factory.chunkLines = 0;
      let written = 0;
      while (written < quota) {
        // Time from the invoice's position in the day, nudged off the very first
        // and last minutes so that edge invoices do not pile up at opening time.
        written += factory.emitInvoice(day.date, (written + 8) / (quota + 16), quota - written);
        if (factory.chunkLines >= CHUNK_LINES) {
          const chunk = factory.chunk;
          factory.chunk = '';
          factory.chunkLines = 0;
          await writeChunk(stream, chunk);
        }
      }
      if (factory.chunk.length > 0) await writeChunk(stream, factory.chunk);
      factory.chunk = '';
      factory.chunkLines = 0;
      stream.end();
    } catch (err) {
      stream.destroy();
      throw err;
    }
    await pending;
    pending = closed.then(() => {
      bytes += stream.bytesWritten;
    });
    pending.catch(() => undefined); // awaited on the next turn or at the end
    files.push(file);
    remaining -= quota;
  }
  await pending;
  return { files, rows, bytes, seed };
}
