/**
 * A file that cannot be used at all is reported with its code, file, line and column, the
 * command exits 1 without a stack trace, and the warehouse's layers stay exactly as they were;
 * good files given with it still load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { HEADER, csvText, expectCleanFailure, fileError, layerCounts, row, workspace, type LayerCounts, type Workspace } from './fixtures.js';

let ws: Workspace;

beforeAll(async () => {
  ws = workspace();
  const seeded = await ws.cli(['--json', 'run', ws.write('earlier.csv', csvText([HEADER, row(1), row(2), row(3)]))]);
  expect(seeded.code, seeded.stderr).toBe(0);
});
afterAll(() => ws?.cleanup());

/** Runs a command that must fail cleanly and leave every layer as it was. */
async function failingRun(args: readonly string[]): Promise<CliResult> {
  const before = await layerCounts(ws);
  expect(before.bronze).toBeGreaterThan(0);
  const result = await ws.cli(args);
  expectCleanFailure(result);
  expect(await layerCounts(ws)).toEqual<LayerCounts>(before);
  return result;
}

/** 0-based byte offset of a 1-based line and column. */
function offsetOf(bytes: Buffer, line: number, column: number): number {
  let start = 0;
  for (let n = 1; n < line; n++) start = bytes.indexOf(0x0a, start) + 1;
  return start + column - 1;
}

/** Bytes from a fixed-seed generator, so the fixture is the same on every run. */
function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    bytes[i] = state >> 16 & 0xff;
  }
  return bytes;
}

describe('files that cannot be used at all', () => {
  it('names the file, line 1 and the missing column when a required column is absent', async () => {
    const file = ws.write('no-price.csv', csvText(['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country', '536365,85123A,HEART,6,2010-12-01 08:26:00,17850,United Kingdom']));

    const json = await failingRun(['--json', 'ingest', file]);
    const text = await failingRun(['ingest', file]);

    expect(fileError(json, file)).toMatchObject({ code: 'STRATA_ERR_CSV_COLUMNS', line: 1, column: 'unit_price' });
    expect(fileError(json, file).message).toMatch(/missing required column unit_price \(a header such as UnitPrice or Price\)/);
    expect(text.stdout).toContain(`${file}:1:unit_price: missing required column unit_price`);
    expect(text.stdout).toContain('[STRATA_ERR_CSV_COLUMNS]');
  });

  it('reports a header-only file as having no rows, at line 2', async () => {
    const file = ws.write('header-only.csv', csvText([HEADER]));
    const blanks = ws.write('header-and-blank-lines.csv', csvText([HEADER, '', ''], '\r\n'));

    const result = await failingRun(['--json', 'ingest', file, blanks]);

    expect(fileError(result, file)).toMatchObject({ code: 'STRATA_ERR_FILE_NO_ROWS', line: 2 });
    expect(fileError(result, blanks)).toMatchObject({ code: 'STRATA_ERR_FILE_NO_ROWS', line: 2 });
  });

  it('reports a 0-byte file as empty', async () => {
    const file = ws.write('zero.csv', '');

    const result = await failingRun(['--json', 'ingest', file]);

    expect(fileError(result, file)).toMatchObject({ code: 'STRATA_ERR_FILE_EMPTY', line: 1, message: 'the file is empty (0 bytes)' });
  });

  it('reports random bytes with NULs as binary at the line and column of the first telltale byte', async () => {
    const bytes = randomBytes(4096, 7);
    const file = ws.write('noise.csv', bytes);

    const error = fileError(await failingRun(['--json', 'ingest', file]), file);

    expect(error.code).toBe('STRATA_ERR_FILE_BINARY');
    const offset = offsetOf(bytes, error.line!, Number(error.column));
    const byte = bytes[offset]!;
    expect(byte < 0x09 || (byte > 0x0d && byte < 0x20)).toBe(true);
    expect(bytes.subarray(0, offset).includes(0)).toBe(false);
  });

  it('reports a PNG as binary where its first NUL byte is', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00]);
    const file = ws.write('photo.csv', png);

    const result = await failingRun(['ingest', file]);

    expect(result.stdout).toContain(`${file}:3:1: binary content (a NUL byte): this is not a CSV text file [STRATA_ERR_FILE_BINARY]`);
  });

  it('loads the good files of a folder and reports the binary one, exiting 1', async () => {
    const folder = workspace();
    try {
      const good = [folder.write('a.csv', csvText([HEADER, row(11), row(12)])), folder.write('c.csv', csvText([HEADER, row(13)]))];
      const binary = folder.write('b.csv', Buffer.concat([Buffer.from(`${HEADER}\n${row(14)}\n`), Buffer.from([0x00, 0xff, 0x00])]));

      const result = await folder.cli(['--json', 'run', folder.inputDir]);

      expectCleanFailure(result);
      expect(result.json.status).toBe('partial');
      expect(fileError(result, binary)).toMatchObject({ code: 'STRATA_ERR_FILE_BINARY', line: 3, column: 1 });
      expect(result.json.files.filter((f: { status: string }) => f.status === 'loaded').map((f: { file: string }) => f.file)).toEqual(good);
      expect(await layerCounts(folder)).toMatchObject({ bronze: 3, batches: 2, silver: 3 });
    } finally {
      folder.cleanup();
    }
  });

  it('refuses an unsupported file type given by name', async () => {
    const file = ws.write('orders.json', '[{"InvoiceNo": "536365"}]');

    const result = await failingRun(['--json', 'ingest', file]);

    expect(result.json.error).toMatchObject({ code: 'STRATA_ERR_FILE_TYPE' });
    expect(result.json.error.message).toContain(`${file}: unsupported file type`);
  });

  it('refuses a path that does not exist', async () => {
    const missing = `${ws.inputDir}/no-such-file.csv`;

    const result = await failingRun(['ingest', missing]);

    expect(result.stdout).toContain(`error: ${missing}: no such file or folder [STRATA_ERR_FILE_NOT_FOUND]`);
  });
});
