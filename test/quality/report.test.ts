/** `strata quality --json` after a dirty run, through the built CLI. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSACTION_RULES } from '../../src/quality/index.js';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { HEADER } from '../pipeline/run-in-process.js';

const GOOD = '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom';
const DIRTY = [
  HEADER,
  GOOD, // 2
  '536366,71053,WHITE METAL LANTERN,six,2010-12-01 08:28:00,3.39,17850.0,United Kingdom', // 3: quantity_is_integer
  '536367,22423,,1,2010-12-01 08:34:00,12.75,13047.0,United Kingdom', // 4: description_present (warn)
  '536368,22423,REGENCY CAKESTAND 3 TIER,1,2010-12-01 08:34:00', // 5: row_parses
  GOOD, // 6: duplicate of line 2
  '536369,84029G,KNITTED UNION FLAG HOT WATER BOTTLE,6,2010-12-01 08:26:00,-1.00,17850.0,United Kingdom', // 7: unit_price_not_negative
].join('\n');
const CLEAN = [HEADER, GOOD.replace('536365', '536370'), GOOD.replace('536365', '536371')].join('\n');

const temp = tempDir('strata-quality-report-');
const inbox = path.join(temp.dir, 'inbox');
let report: CliResult;

beforeAll(async () => {
  mkdirSync(inbox);
  writeFileSync(path.join(inbox, 'dirty.csv'), `${DIRTY}\n`);
  writeFileSync(path.join(inbox, 'clean.csv'), `${CLEAN}\n`);
  const run = await runCli(['--json', 'run', inbox], { dataDir: temp.dir });
  if (run.code !== 0) throw new Error(`strata run failed: ${run.stderr}\n${run.stdout}`);
  report = await runCli(['--json', 'quality'], { dataDir: temp.dir });
});
afterAll(() => temp.cleanup());

describe('strata quality --json after a dirty run', () => {
  it('exits 0 with JSON on stdout', () => {
    expect(report.code, report.stderr).toBe(0);
    expect(report.json).toBeDefined();
  });

  it('totals the row accounting over all batches', () => {
    // average_score is the plain mean of the batch scores (45.83 and 100), rounded in DOUBLE.
    expect(report.json.totals).toEqual({ batches: 2, rows_in: 8, rows_to_silver: 4, rows_quarantined: 3, rows_warned: 1, duplicates_removed: 1, average_score: 72.91 });
  });

  it('scores each batch, the dirtiest first', () => {
    const batches = report.json.batches.map((b: Record<string, unknown>) => ({ ...b, batch_id: typeof b.batch_id }));
    expect(batches).toEqual([
      // 100 x (6 rows - 3 quarantined - 0.25 x 1 warned) / 6
      { batch_id: 'string', file_name: 'dirty.csv', rows_in: 6, rows_quarantined: 3, rows_warned: 1, duplicates_removed: 1, quality_score: 45.83 },
      { batch_id: 'string', file_name: 'clean.csv', rows_in: 2, rows_quarantined: 0, rows_warned: 0, duplicates_removed: 0, quality_score: 100 },
    ]);
  });

  it('lists every rule with its result, passes included', () => {
    const rules = report.json.rules.filter((r: { target: string }) => r.target === 'bronze.transactions_raw');
    expect(rules.map((r: { rule_id: string }) => r.rule_id).sort()).toEqual(TRANSACTION_RULES.map((r) => r.id).sort());
    const byId = Object.fromEntries(rules.map((r: { rule_id: string }) => [r.rule_id, r]));
    expect(byId.invoice_no_present).toEqual({ rule_id: 'invoice_no_present', severity: 'error', target: 'bronze.transactions_raw', rows_checked: 8, rows_failed: 0, batches_failed: 0 });
    expect(byId.quantity_is_integer).toMatchObject({ severity: 'error', rows_checked: 8, rows_failed: 1, batches_failed: 1 });
    expect(byId.description_present).toMatchObject({ severity: 'warn', rows_failed: 1, batches_failed: 1 });
  });

  it('lists the gold model checks of the latest build, all passed', () => {
    const gold = report.json.rules.filter((r: { target: string }) => r.target.startsWith('gold.'));
    expect(gold.length).toBeGreaterThan(20);
    expect(gold.filter((r: { rows_failed: number }) => r.rows_failed > 0)).toEqual([]);
  });

  it('gives each quarantine reason with a file and line to look at', () => {
    const file = path.join(inbox, 'dirty.csv');
    expect(report.json.quarantine).toEqual([
      { rule_id: 'quantity_is_integer', reason: 'quantity is not a whole number: six', rows: 1, example_file: file, example_line: 3 },
      { rule_id: 'row_parses', reason: expect.stringMatching(/^the line could not be split into the expected columns: .*MISSING COLUMNS/), rows: 1, example_file: file, example_line: 5 },
      { rule_id: 'unit_price_not_negative', reason: 'unit price is negative (a bad-debt adjustment, not a sale): -1.00', rows: 1, example_file: file, example_line: 7 },
    ]);
  });

  it('narrows to one batch with --batch', async () => {
    const clean = report.json.batches.find((b: { file_name: string }) => b.file_name === 'clean.csv');
    const one = await runCli(['--json', 'quality', '--batch', clean.batch_id], { dataDir: temp.dir });
    expect(one.json.totals).toMatchObject({ batches: 1, rows_in: 2, rows_quarantined: 0, average_score: 100 });
    expect(one.json.quarantine).toEqual([]);
    expect(one.json.rules.filter((r: { target: string }) => r.target === 'bronze.transactions_raw').every((r: { rows_checked: number }) => r.rows_checked === 2)).toBe(true);
  });
});
