/** Every default transaction rule compiles, runs over the real typed stage, and fires on its own line. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSACTION_RULES, compileRule } from '../../src/quality/index.js';
import { HEADER, runInProcess, type InProcessRun } from '../pipeline/run-in-process.js';

const GOOD = '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom';

/** Line number - 2 -> [the line, the rule it is written to break]. Line 2 breaks nothing. */
const LINES: readonly (readonly [string, string | null])[] = [
  [GOOD, null],
  [`${GOOD},surplus`, 'row_parses'],
  [',85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'invoice_no_present'],
  ['536366,,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'stock_code_present'],
  ['536367,85123A,HOLDER,,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'quantity_present'],
  ['536368,85123A,HOLDER,six,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'quantity_is_integer'],
  ['536369,85123A,HOLDER,0,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'quantity_not_zero'],
  ['536370,85123A,HOLDER,6,,2.55,17850.0,United Kingdom', 'invoice_date_present'],
  ['536371,85123A,HOLDER,6,not a date,2.55,17850.0,United Kingdom', 'invoice_date_parses'],
  ['536372,85123A,HOLDER,6,1980-01-01 08:00:00,2.55,17850.0,United Kingdom', 'invoice_date_plausible'],
  ['536373,85123A,HOLDER,6,2010-12-01 08:26:00,,17850.0,United Kingdom', 'unit_price_present'],
  ['536374,85123A,HOLDER,6,2010-12-01 08:26:00,cheap,17850.0,United Kingdom', 'unit_price_is_decimal'],
  ['536375,85123A,HOLDER,6,2010-12-01 08:26:00,-1.00,17850.0,United Kingdom', 'unit_price_not_negative'],
  ['A563185,B,Adjust bad debt,1,2010-12-01 14:50:00,11062.06,,United Kingdom', 'not_a_bad_debt_adjustment'],
  ['536377,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,ABC,United Kingdom', 'customer_id_is_integer'],
  ['536378,85123A,,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'description_present'],
  ['536379,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,', 'country_present'],
  ['536380,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,Narnia', 'country_known'],
  ['12,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'invoice_no_format'],
  ['536382,85123A,HOLDER,6,2010-12-01 08:26:00,0,17850.0,United Kingdom', 'unit_price_positive'],
  ['C536383,85123A,HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom', 'cancellation_has_negative_quantity'],
  [GOOD, null], // an exact duplicate of line 2: no rule, the silver step removes it
];

let run: InProcessRun;

beforeAll(async () => {
  run = await runInProcess({ 'rules.csv': `${HEADER}\n${LINES.map(([text]) => text).join('\n')}\n` });
});
afterAll(() => run.close());

describe('the default transaction rules', () => {
  it('each compile to SQL', () => {
    for (const rule of TRANSACTION_RULES) expect(compileRule(rule).sql).toMatch(/^SELECT /);
  });

  it('each have a line in this test written to break them, and unique ids', () => {
    const ids = TRANSACTION_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(LINES.flatMap(([, rule]) => (rule ? [rule] : [])).sort()).toEqual([...ids].sort());
  });

  it('each run over the typed stage and fail exactly on their own line', async () => {
    expect(run.result.error).toBeNull();
    const results = await run.warehouse.query<{ rule_id: string; rows_checked: string; rows_failed: string; passed: boolean }>(
      `SELECT rule_id, rows_checked::VARCHAR AS rows_checked, rows_failed::VARCHAR AS rows_failed, passed FROM quality.check_results WHERE batch_id IS NOT NULL`,
    );
    expect(results).toHaveLength(TRANSACTION_RULES.length);
    const failing = await run.warehouse.query<{ rule_id: string; lines: number[] }>(
      `SELECT rule_id, list(line::INTEGER ORDER BY line) AS lines FROM (
         SELECT rule_id, line FROM quality.quarantine
         UNION SELECT unnest(dq_warnings), source_line FROM silver.transactions) GROUP BY 1`,
    );
    const expected = Object.fromEntries(LINES.flatMap(([, rule], i) => (rule ? [[rule, [i + 2]]] : [])));
    expect(Object.fromEntries(failing.map((f) => [f.rule_id, f.lines]))).toEqual(expected);
    // The negative price of line 14 is not above zero either; every other rule fails on one line only.
    const failed = (rule: string): string => (rule === 'unit_price_positive' ? '2' : '1');
    for (const r of results) expect(r).toEqual({ rule_id: r.rule_id, rows_checked: String(LINES.length), rows_failed: failed(r.rule_id), passed: false });
  });

  it('leave exact duplicates to the silver step, which removes the repeat of line 2', async () => {
    const dupes = await run.warehouse.query(`SELECT source_line::INTEGER AS line, kept_line::INTEGER AS kept FROM silver.duplicates`);
    expect(dupes).toEqual([{ line: LINES.length + 1, kept: 2 }]);
  });

  it('quarantine the error lines, flag the warn lines and drop the duplicate, so the batch adds up', () => {
    const errors = TRANSACTION_RULES.filter((r) => r.severity === 'error').length;
    expect(run.result.totals).toEqual({ rows_in: LINES.length, rows_to_silver: LINES.length - errors - 1, rows_quarantined: errors, duplicates_removed: 1 });
  });
});
