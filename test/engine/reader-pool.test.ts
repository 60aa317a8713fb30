/**
 * The reader pool keeps parameterised statements prepared per connection: the answers must be
 * those of a fresh statement every time, including after the writer replaced a table (as every
 * gold build does) and after a statement failed.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReaderPool, openWarehouse, type ReaderPool, type Warehouse } from '../../src/engine/index.js';
import { tempDir } from '../helpers/cli.js';

let temp: { dir: string; cleanup: () => void };
let writer: Warehouse;
let pool: ReaderPool;

beforeAll(async () => {
  temp = tempDir('strata-reader-pool-');
  const file = path.join(temp.dir, 'pool.duckdb');
  writer = await openWarehouse({ path: file });
  await writer.execute('CREATE SCHEMA g; CREATE TABLE g.t AS SELECT range::INTEGER AS x FROM range(10)');
  pool = await openReaderPool({ path: file, connections: 2, defaultTimeoutMs: 10_000 });
});
afterAll(async () => {
  await pool?.close();
  await writer?.close();
  temp?.cleanup();
});

const SUM = 'SELECT coalesce(sum(x), 0)::INTEGER AS s, count(*)::INTEGER AS n FROM g.t WHERE x >= $from';

describe('the reader pool', () => {
  it('answers the same statement text with each call\'s own values, on every connection', async () => {
    const answers = await Promise.all([0, 5, 9, 10, 0, 5].map((from) => pool.query(SUM, { from })));
    expect(answers).toEqual([[{ s: 45, n: 10 }], [{ s: 35, n: 5 }], [{ s: 9, n: 1 }], [{ s: 0, n: 0 }], [{ s: 45, n: 10 }], [{ s: 35, n: 5 }]]);
  });

  it('reads the new table once the writer replaced it, even with other columns', async () => {
    await pool.query(SUM, { from: 0 });
    await writer.execute('CREATE OR REPLACE TABLE g.t AS SELECT (range * 2)::INTEGER AS x, range AS extra FROM range(100)');
    const after = await Promise.all([pool.query(SUM, { from: 0 }), pool.query(SUM, { from: 0 })]);
    expect(after).toEqual([[{ s: 9900, n: 100 }], [{ s: 9900, n: 100 }]]);
  });

  it('reports a failure, then answers again once the table is back', async () => {
    await writer.execute('ALTER TABLE g.t RENAME TO t_away');
    await expect(pool.query(SUM, { from: 0 })).rejects.toMatchObject({ code: 'STRATA_ERR_ENGINE' });
    await writer.execute('ALTER TABLE g.t_away RENAME TO t');
    expect(await pool.query(SUM, { from: 190 })).toEqual([{ s: 970, n: 5 }]);
  });

  it('stays right with more distinct statements than it keeps prepared', async () => {
    for (let i = 0; i < 150; i++) {
      expect(await pool.query(`SELECT $v::INTEGER + ${i} AS r`, { v: i })).toEqual([{ r: 2 * i }]);
    }
    expect(await pool.query(SUM, { from: 198 })).toEqual([{ s: 198, n: 1 }]);
  });

  it('still runs several statements in one text, as before', async () => {
    expect(await pool.query('SELECT 1; SELECT $v::INTEGER AS v', { v: 7 })).toEqual([{ v: 7 }]);
  });
});
