/** `strata query` is for reading: anything that writes, or touches files, is refused by the engine. */
import path from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const scratch = tempDir('strata-query-');
const dataDir = path.join(scratch.dir, 'data');

beforeAll(async () => {
  mkdirSync(path.join(scratch.dir, 'in'));
  writeFileSync(
    path.join(scratch.dir, 'in', 'day.csv'),
    'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom\n',
  );
  const run = await runCli(['run', path.join(scratch.dir, 'in')], { dataDir });
  expect(run.code, run.stderr).toBe(0);
});
afterAll(() => scratch.cleanup());

describe('strata query', () => {
  it('answers a SELECT as JSON with the rows and the duration', async () => {
    const r = await runCli(['--json', 'query', 'SELECT invoice_no, line_total_gbp FROM silver.transactions ORDER BY invoice_no'], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.rows).toEqual([{ invoice_no: '536365', line_total_gbp: '15.3000' }, { invoice_no: '536366', line_total_gbp: '11.1000' }]);
    expect(r.json.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('prints a table for a person', async () => {
    const r = await runCli(['query', 'SELECT count(*) AS n FROM gold.fact_sales'], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/│ n\s+│/);
    expect(r.stdout).toMatch(/1 row\(s\)/);
  });

  const refused: [string, string][] = [
    ['a DELETE', 'DELETE FROM silver.transactions'],
    ['a DROP', 'DROP TABLE gold.fact_sales'],
    ['an INSERT hidden after a SELECT', 'SELECT 1; INSERT INTO silver.duplicates VALUES (1,2,3,4,5,6)'],
    ['a COPY to a file', "COPY silver.transactions TO '/tmp/strata-leak.csv'"],
    ['reading a file from disk', "SELECT * FROM read_csv('/etc/passwd')"],
    ['an ATTACH', "ATTACH '/tmp/other.duckdb'"],
    ['a SET', 'SET enable_external_access = true'],
  ];
  for (const [what, sql] of refused) {
    it(`refuses ${what} with a clear error and no stack trace`, async () => {
      const r = await runCli(['query', sql], { dataDir });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/^strata: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('shows the engine error for a bad query', async () => {
    const r = await runCli(['query', 'SELECT no_such_column FROM gold.fact_sales'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no_such_column/);
  });

  it('still holds the same rows after all of that', async () => {
    const r = await runCli(['--json', 'query', 'SELECT count(*)::INTEGER AS n FROM silver.transactions'], { dataDir });
    expect(r.json.rows).toEqual([{ n: 2 }]);
  });
});
