import { afterEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../src/engine/index.js';
import { compileRule, evaluateQuality, type Rule } from '../../src/quality/index.js';
import { good, stageWith, violations } from './typed-stage.js';

const base = { severity: 'error', message: 'test' } as const;
let warehouse: Warehouse | undefined;

async function linesBreaking(rule: Rule, rows: Parameters<typeof stageWith>[0]): Promise<string[]> {
  warehouse = await stageWith(rows);
  return violations(warehouse, rule);
}

afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

describe('compiled quality rules select exactly the lines that break them', () => {
  it('row_parses: selects the lines the reader could not split, and no other rule sees them', async () => {
    const rows = [good(2), { line: 3, parseError: 'TOO MANY COLUMNS' }, good(4)];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'row_parses' }, rows)).toEqual(['3']);
    expect(await violations(warehouse!, { ...base, id: 'n', kind: 'not_null', column: 'invoice_no' })).toEqual([]);
  });

  it('not_null: selects lines whose column is missing', async () => {
    const rows = [good(2), good(3, { invoice_no: null }), good(4, { customer_id: null })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'not_null', column: 'invoice_no' }, rows)).toEqual(['3']);
  });

  it('parses_as: selects present but malformed values, leaving missing ones to not_null', async () => {
    const rows = [good(2), good(3, { quantity: 'six' }), good(4, { quantity: null }), good(5, { quantity: '-3' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'parses_as', column: 'quantity', type: 'integer' }, rows)).toEqual(['3']);
  });

  it('range: selects numbers below an inclusive minimum or above a maximum', async () => {
    const rows = [good(2, { unit_price: '-0.01' }), good(3, { unit_price: '0' }), good(4, { unit_price: '100' }), good(5, { unit_price: '100.01' }), good(6, { unit_price: 'n/a' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'range', column: 'unit_price', min: 0, max: 100 }, rows)).toEqual(['2', '5']);
  });

  it('range with exclusiveMin: selects the minimum itself', async () => {
    const rows = [good(2, { unit_price: '0' }), good(3, { unit_price: '0.001' }), good(4, { unit_price: '-1' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'range', column: 'unit_price', min: 0, exclusiveMin: true }, rows)).toEqual(['2', '4']);
  });

  it('range on dates: selects timestamps outside the bounds, bounds included', async () => {
    const rows = [
      good(2, { invoice_date: '1989-12-31 23:59:59' }),
      good(3, { invoice_date: '1990-01-01 00:00:00' }),
      good(4, { invoice_date: '2100-01-01 00:00:00' }),
      good(5, { invoice_date: '2100-01-01 00:00:01' }),
    ];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'range', column: 'invoice_date', min: '1990-01-01', max: '2100-01-01' }, rows)).toEqual(['2', '5']);
  });

  it('pattern: selects values that do not match the whole pattern', async () => {
    const rows = [good(2, { invoice_no: '536365' }), good(3, { invoice_no: 'C536379' }), good(4, { invoice_no: '5363' }), good(5, { invoice_no: '536365x' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'pattern', column: 'invoice_no', pattern: '[A-Za-z]?[0-9]{5,8}' }, rows)).toEqual(['4', '5']);
  });

  it('allowed_values: selects values outside the list', async () => {
    const rows = [good(2), good(3, { country: 'France' }), good(4, { country: 'Narnia' }), good(5, { country: null })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'allowed_values', column: 'country', values: ['United Kingdom', 'France'] }, rows)).toEqual(['4']);
  });

  it('unique: selects every repeat after the first occurrence, across batches in batch order', async () => {
    const rows = [
      good(2, { invoice_no: '536001' }),
      good(3, { invoice_no: '536001', stock_code: '71053' }),
      good(4, { invoice_no: '536001' }), // repeats line 2
      good(9, { invoice_no: '536009' }),
      good(2, { invoice_no: '536009', batch: 'b2' }), // repeats b1 line 9: the later batch loses, whatever its line
    ];
    const rule: Rule = { ...base, id: 'r', kind: 'unique', columns: ['invoice_no', 'stock_code'] };
    expect(await linesBreaking(rule, rows)).toEqual(['4', 'b2:2']);
  });

  it('unique: treats missing values as equal', async () => {
    const rows = [good(2, { description: null }), good(3, { description: null, invoice_no: '536302' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'unique', columns: ['invoice_no', 'description'] }, rows)).toEqual(['3']);
  });

  it('referential: selects values missing from the reference table, case-insensitively when asked', async () => {
    const rows = [good(2), good(3, { country: 'eire' }), good(4, { country: 'Narnia' }), good(5, { country: null })];
    const rule: Rule = { ...base, id: 'r', kind: 'referential', column: 'country', table: 'reference.countries', tableColumn: 'alias', caseInsensitive: true };
    expect(await linesBreaking(rule, rows)).toEqual(['4']);
    expect(await violations(warehouse!, { ...rule, caseInsensitive: false })).toEqual(['3', '4']);
  });

  it('custom_sql: selects the lines where the condition holds', async () => {
    const rows = [good(2, { quantity: '0' }), good(3), good(4, { invoice_no: 'C536379', quantity: '2' })];
    expect(await linesBreaking({ ...base, id: 'r', kind: 'custom_sql', column: 'quantity', violation: 'quantity = 0' }, rows)).toEqual(['2']);
    expect(await violations(warehouse!, { ...base, id: 'c', kind: 'custom_sql', violation: "invoice_no LIKE 'C%' AND quantity > 0" })).toEqual(['4']);
  });
});

describe('rules that cannot mean anything are refused before they run', () => {
  const invalid: readonly [string, Rule][] = [
    ['an unknown column', { ...base, id: 'r', kind: 'not_null', column: 'colour' as never }],
    ['an unknown column in a unique rule', { ...base, id: 'r', kind: 'unique', columns: ['invoice_no', 'colour' as never] }],
    ['a range without bounds', { ...base, id: 'r', kind: 'range', column: 'quantity' }],
    ['a non-finite bound', { ...base, id: 'r', kind: 'range', column: 'quantity', max: Number.POSITIVE_INFINITY }],
    ['a date bound on a number', { ...base, id: 'r', kind: 'range', column: 'unit_price', min: '2011-01-01' }],
    ['a number bound on a date', { ...base, id: 'r', kind: 'range', column: 'invoice_date', min: 0 }],
    ['a bound that is not a date', { ...base, id: 'r', kind: 'range', column: 'invoice_date', min: 'yesterday' }],
    ['an impossible date', { ...base, id: 'r', kind: 'range', column: 'invoice_date', max: '2011-02-30' }],
    ['a minimum above the maximum', { ...base, id: 'r', kind: 'range', column: 'quantity', min: 10, max: 1 }],
    ['a range over text', { ...base, id: 'r', kind: 'range', column: 'country', min: 1 }],
    ['a parse type the column does not have', { ...base, id: 'r', kind: 'parses_as', column: 'quantity', type: 'timestamp' }],
    ['an empty pattern', { ...base, id: 'r', kind: 'pattern', column: 'invoice_no', pattern: '' }],
    ['an empty list of allowed values', { ...base, id: 'r', kind: 'allowed_values', column: 'country', values: [] }],
    ['a unique rule without columns', { ...base, id: 'r', kind: 'unique', columns: [] }],
    ['a reference table that is not schema.table', { ...base, id: 'r', kind: 'referential', column: 'country', table: 'countries', tableColumn: 'alias' }],
    ['an unsafe reference table name', { ...base, id: 'r', kind: 'referential', column: 'country', table: 'reference.x; DROP TABLE y', tableColumn: 'alias' }],
    ['an unsafe reference column name', { ...base, id: 'r', kind: 'referential', column: 'country', table: 'reference.countries', tableColumn: 'alias--' }],
    ['an empty custom condition', { ...base, id: 'r', kind: 'custom_sql', violation: '  ' }],
  ];

  it.each(invalid)('refuses %s with STRATA_ERR_RULE', (_, rule) => {
    expect(() => compileRule(rule)).toThrow(expect.objectContaining({ code: 'STRATA_ERR_RULE' }));
  });

  it('refuses two rules with one id before evaluating anything', async () => {
    warehouse = await stageWith([good(2)]);
    const rule: Rule = { ...base, id: 'twice', kind: 'not_null', column: 'invoice_no' };
    await expect(evaluateQuality(warehouse, 'run_test', [rule, { ...rule, column: 'stock_code' }])).rejects.toMatchObject({ code: 'STRATA_ERR_RULE' });
  });
});
