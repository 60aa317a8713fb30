/** What a run says about itself: failed when nothing could be used, and what ingest landed. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir, runCli, tempDir } from '../helpers/cli.js';

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

describe('strata run --per-day', () => {
  it('backfills the days in one run by default, or one run per day when asked, with the same gold', async () => {
    const landing = path.join(scratch.dir, 'days');
    mkdirSync(landing);
    for (const day of ['2010-12-01', '2010-12-02']) writeFileSync(path.join(landing, `${day}.csv`), readFileSync(path.join(realDataDir, `${day}.csv`)));
    const range = ['--from', '2010-12-01', '--to', '2010-12-03', '--per-day'];
    const one = await runCli(['--json', 'run', landing, ...range], { dataDir: path.join(scratch.dir, 'wh-one'), timeoutMs: 120_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(one.json.policy).toBe('single-run');
    expect(one.json.days.map((d: { day: string }) => d.day)).toEqual(['2010-12-01', '2010-12-02', '2010-12-03']);
    expect(new Set(one.json.days.map((d: { runId: string }) => d.runId)).size).toBe(1);
    expect(one.json.final.status).toBe('succeeded');
    const each = await runCli(['--json', 'run', landing, ...range, '--backfill-policy', 'run-per-day'], { dataDir: path.join(scratch.dir, 'wh-each'), timeoutMs: 120_000 });
    expect(each.code, each.stderr).toBe(0);
    expect(each.json.policy).toBe('run-per-day');
    expect(new Set(each.json.days.map((d: { runId: string }) => d.runId)).size).toBe(3);
    expect(each.json.final.warehouse_totals).toEqual(one.json.final.warehouse_totals);
    const bad = await runCli(['run', landing, ...range, '--backfill-policy', 'sometimes'], { dataDir: path.join(scratch.dir, 'wh-bad') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/single-run, run-per-day/);
  });
});
