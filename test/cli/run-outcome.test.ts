/** What a run says about itself: failed when nothing could be used, and what ingest landed. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const scratch = tempDir('strata-outcome-');
afterAll(() => scratch.cleanup());
const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

describe('a run', () => {
  it('is failed, not partial, when every file is unusable', async () => {
    const input = path.join(scratch.dir, 'all-bad');
    mkdirSync(input);
    writeFileSync(path.join(input, 'empty.csv'), '');
    writeFileSync(path.join(input, 'header-only.csv'), `${HEADER}\n`);
    const r = await runCli(['--json', 'run', input], { dataDir: path.join(scratch.dir, 'wh1') });
    expect(r.code).toBe(1);
    expect(r.json.status).toBe('failed');
    expect(r.json.files.map((f: { status: string }) => f.status)).toEqual(['failed', 'failed']);
  });

  it('tells what `strata ingest` landed in bronze', async () => {
    const input = path.join(scratch.dir, 'good');
    mkdirSync(input);
    writeFileSync(path.join(input, 'day.csv'), `${HEADER}\n536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n`);
    const r = await runCli(['ingest', input], { dataDir: path.join(scratch.dir, 'wh2') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/landed 1 rows in bronze in 1 batch\(es\)/);
  });
});
