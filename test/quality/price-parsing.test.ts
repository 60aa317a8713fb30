/** Prices as shops export them reach silver as exact decimals; ambiguous ones are quarantined, never guessed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER, runInProcess, type InProcessRun } from '../pipeline/run-in-process.js';

const PRICES: readonly (readonly [string, string | null])[] = [
  ['2.55', '2.5500'],
  ['£2.55', '2.5500'],
  ['€ 3.39', '3.3900'],
  ['2,55', '2.5500'],
  ['0,125', '0.1250'],
  ['1,250.00', '1250.0000'],
  ['1,250', null], // 1.25 or 1250?
  ['1,250,000', null],
];

let run: InProcessRun;

beforeAll(async () => {
  const lines = PRICES.map(([price], i) => `5364${String(i).padStart(2, '0')},85123A,HOLDER,1,2011-01-04 10:00:00,"${price}",,France`);
  run = await runInProcess({ 'prices.csv': `${HEADER}\n${lines.join('\n')}\n` });
});
afterAll(() => run.close());

describe('unit prices in the typed stage', () => {
  it('reads currency signs, decimal commas and thousands separators exactly', async () => {
    const silver = await run.warehouse.query<{ line: number; price: string }>(
      'SELECT source_line::INTEGER AS line, unit_price_gbp::VARCHAR AS price FROM silver.transactions ORDER BY source_line',
    );
    const expected = PRICES.flatMap(([, price], i) => (price ? [{ line: i + 2, price }] : []));
    expect(silver).toEqual(expected);
  });

  it('quarantines a price whose comma could be either a decimal or a thousands separator', async () => {
    const quarantined = await run.warehouse.query<{ line: number; rule_id: string; value: string }>(
      'SELECT line::INTEGER AS line, rule_id, value FROM quality.quarantine ORDER BY line',
    );
    expect(quarantined).toEqual([
      { line: 8, rule_id: 'unit_price_is_decimal', value: '1,250' },
      { line: 9, rule_id: 'unit_price_is_decimal', value: '1,250,000' },
    ]);
  });
});
