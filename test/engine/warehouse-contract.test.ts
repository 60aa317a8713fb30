/**
 * One contract for every Warehouse adapter: the same cases run against embedded DuckDB and the
 * real PostgreSQL (a database of its own per run). What a caller can rely on whichever engine the
 * settings select: values, params, transactions, atomic swaps, bulk loads, read-only refusal and
 * the DuckDB functions the models call.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDuckDBWarehouse, openPostgresWarehouse, openReaderPool, type Row, type SqlParams, type Warehouse } from '../../src/engine/index.js';
import { replaceRelation } from '../../src/pipeline/steps/gold-step.js';
import { isStrataError } from '../../src/shared/index.js';
import { tempDir } from '../helpers/cli.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres.js';

interface Fixture {
  /** The writer. */
  warehouse: Warehouse;
  /** Another connection to the same warehouse, as a concurrent reader. */
  read<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Closes the writer and opens the warehouse read-only. */
  reopenReadOnly(): Promise<Warehouse>;
  close(): Promise<void>;
}

const pgSkip = await postgresUnavailable();
const dirs = tempDir('strata-contract-');

const adapters: { name: string; skip: string | null; open: () => Promise<Fixture> }[] = [
  {
    name: 'duckdb',
    skip: null,
    async open() {
      const file = path.join(dirs.dir, 'warehouse.duckdb');
      const warehouse = await openDuckDBWarehouse({ path: file });
      const readers = await openReaderPool({ path: file, connections: 1, defaultTimeoutMs: 30_000 });
      let current = warehouse;
      return {
        warehouse,
        read: (sql, params) => readers.query(sql, params),
        async reopenReadOnly() {
          await warehouse.execute('CHECKPOINT');
          await readers.close();
          await warehouse.close();
          // The process's instance of `file` stays cached; a copy opens as another process would open it.
          const copy = path.join(dirs.dir, 'readonly.duckdb');
          copyFileSync(file, copy);
          current = await openDuckDBWarehouse({ path: copy, readOnly: true });
          return current;
        },
        async close() {
          await current.close().catch(() => undefined);
          await readers.close().catch(() => undefined);
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: pgSkip,
    async open() {
      const db: TestDatabase = await createTestDatabase();
      const warehouse = await openPostgresWarehouse({ path: '', url: db.url });
      const reader = await openPostgresWarehouse({ path: '', url: db.url, readOnly: true });
      let readOnly: Warehouse | null = null;
      return {
        warehouse,
        read: (sql, params) => reader.query(sql, params),
        async reopenReadOnly() {
          await warehouse.close();
          readOnly = await openPostgresWarehouse({ path: '', url: db.url, readOnly: true });
          return readOnly;
        },
        async close() {
          await warehouse.close().catch(() => undefined);
          await reader.close().catch(() => undefined);
          await readOnly?.close().catch(() => undefined);
          await db.drop();
        },
      };
    },
  },
];

afterAll(() => dirs.cleanup());

for (const adapter of adapters) {
  describe.skipIf(adapter.skip !== null)(`Warehouse contract: ${adapter.name}`, () => {
    let f: Fixture;
    let w: Warehouse;
    beforeAll(async () => {
      f = await adapter.open();
      w = f.warehouse;
      await migrate(w);
    }, 60_000);
    afterAll(async () => {
      await f?.close();
    });

    it('names its dialect and applies the migrations once', async () => {
      expect(w.dialect).toBe(adapter.name);
      expect(await migrate(w)).toEqual([]);
      const names = await w.query<{ name: string }>('SELECT name FROM meta.migrations ORDER BY name');
      expect(names.map((n) => n.name)).toContain('005_rfm_macros.sql');
      const [segment] = await w.query<{ s: string; q: number }>('SELECT reference.rfm_segment(5, 4) AS s, reference.rfm_quintile(0.99) AS q');
      expect(segment).toEqual({ s: 'Champions', q: 5 });
    });

    it('returns values as JSON-safe types: BIGINT and DECIMAL as exact strings, times as text', async () => {
      const [row] = await w.query(
        `SELECT 42::INTEGER AS i, 9007199254740993::BIGINT AS big, 1234.5600::DECIMAL(18, 4) AS money, 0.5::DOUBLE AS dbl,
                'x' AS txt, true AS flag, NULL::VARCHAR AS nothing,
                TIMESTAMP '2010-12-01 08:26:00' AS ts, DATE '2011-02-28' AS d, ['a', 'b']::VARCHAR[] AS list`,
      );
      expect(row).toEqual({
        i: 42, big: '9007199254740993', money: '1234.5600', dbl: 0.5, txt: 'x', flag: true, nothing: null,
        ts: '2010-12-01 08:26:00', d: '2011-02-28', list: ['a', 'b'],
      });
    });

    it('binds named params, a name used twice once, lists as lists', async () => {
      const rows = await w.query<{ v: string; n: number }>(
        'SELECT v, $n::INTEGER + 1 AS n FROM (SELECT unnest($items) AS v) t WHERE v <> $skip OR $n::INTEGER < 0 ORDER BY v',
        { items: ['b', 'a', 'c'], skip: 'c', n: 1 },
      );
      expect(rows).toEqual([{ v: 'a', n: 2 }, { v: 'b', n: 2 }]);
      const [empty] = await w.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM (SELECT unnest($items) AS v) t', { items: [] });
      expect(empty!.n).toBe(0);
      // A quote in a param is data, never SQL.
      const [quoted] = await w.query<{ v: string }>('SELECT $v AS v', { v: "O'Brien; DROP TABLE meta.runs" });
      expect(quoted!.v).toBe("O'Brien; DROP TABLE meta.runs");
    });

    it('runs several statements in one execute', async () => {
      await w.execute('CREATE SCHEMA IF NOT EXISTS contract; DROP TABLE IF EXISTS contract.t; CREATE TABLE contract.t (id INTEGER, name VARCHAR); INSERT INTO contract.t VALUES (1, \'one\');');
      expect(await w.query('SELECT id, name FROM contract.t')).toEqual([{ id: 1, name: 'one' }]);
    });

    it('rolls a failed transaction back entirely and commits a good one', async () => {
      await w.execute('DROP TABLE IF EXISTS contract.ledger; CREATE TABLE contract.ledger (id INTEGER PRIMARY KEY, amount DECIMAL(18, 2))');
      await expect(
        w.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract.ledger VALUES (1, 10.00), (2, 20.00)');
          await tx.execute('INSERT INTO contract.ledger VALUES (1, 99.00)'); // duplicate key
        }),
      ).rejects.toSatisfy(isStrataError);
      expect(await w.query('SELECT count(*)::INTEGER AS n FROM contract.ledger')).toEqual([{ n: 0 }]);
      await expect(
        w.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract.ledger VALUES (3, 30.00)');
          throw new Error('the caller gave up');
        }),
      ).rejects.toThrow('the caller gave up');
      expect(await w.query('SELECT count(*)::INTEGER AS n FROM contract.ledger')).toEqual([{ n: 0 }]);
      const value = await w.transaction(async (tx) => {
        await tx.execute('INSERT INTO contract.ledger VALUES (4, 40.10), (5, 0.20)');
        return (await tx.query<{ s: string }>('SELECT sum(amount)::VARCHAR AS s FROM contract.ledger'))[0]!.s;
      });
      expect(value).toBe('40.30');
      expect(await f.read('SELECT sum(amount)::VARCHAR AS s FROM contract.ledger')).toEqual([{ s: '40.30' }]);
    });

    it('swaps a table atomically: a concurrent reader sees the old or the new table whole, never a half-built one', async () => {
      await w.execute('CREATE SCHEMA IF NOT EXISTS gold');
      await replaceRelation(w, { name: 'contract_swap', sql: 'SELECT x AS id, 1 AS v FROM generate_series(1, 1000) AS g(x)', materialized: 'table' });
      const seen: { n: number; s: number }[] = [];
      const readOnce = async (): Promise<void> => {
        const [r] = await f.read<{ n: number; s: number }>('SELECT count(*)::INTEGER AS n, sum(v)::INTEGER AS s FROM gold.contract_swap');
        seen.push(r!);
      };
      let during: Promise<void> = Promise.resolve();
      await w.transaction(async (tx) => {
        await replaceRelation(tx, { name: 'contract_swap', sql: 'SELECT x AS id, 2 AS v FROM generate_series(1, 5000) AS g(x)', materialized: 'table' });
        await tx.execute('INSERT INTO gold.contract_swap VALUES (5001, 2)');
        // A reader during the build: MVCC (DuckDB) shows it the old table, a lock (PostgreSQL) holds it until the commit.
        during = readOnce();
        await new Promise((r) => setTimeout(r, 300));
        await tx.execute('INSERT INTO gold.contract_swap VALUES (5002, 2)');
      });
      await during;
      await readOnce();
      expect(seen).toHaveLength(2);
      for (const r of seen) expect([{ n: 1000, s: 1000 }, { n: 5002, s: 10004 }]).toContainEqual(r);
      expect(seen.at(-1)).toEqual({ n: 5002, s: 10004 });
      // A failed rebuild leaves the previous table in place.
      await expect(
        w.transaction(async (tx) => {
          await replaceRelation(tx, { name: 'contract_swap', sql: 'SELECT 1 AS id', materialized: 'table' });
          await tx.execute('SELECT no_such_column FROM gold.contract_swap');
        }),
      ).rejects.toSatisfy(isStrataError);
      expect(await f.read('SELECT count(*)::INTEGER AS n FROM gold.contract_swap')).toEqual([{ n: 5002 }]);
    });

    it('bulk-loads a CSV file in one operation: quotes, commas, newlines, NULL versus empty text', async () => {
      await w.execute('DROP TABLE IF EXISTS contract.load; CREATE TABLE contract.load (id BIGINT, label VARCHAR, price DECIMAL(18, 4), note VARCHAR)');
      const file = path.join(dirs.dir, `load-${adapter.name}.csv`);
      const lines = ['id,label,price,note', '1,"WHITE HANGING HEART, T-LIGHT",2.55,', '2,"say ""hi""",£3,""', '3,"two\nlines",0.0001,café'];
      for (let i = 4; i <= 20_003; i++) lines.push(`${i},item ${i},${(i % 997) / 100},n`);
      writeFileSync(file, lines.join('\n') + '\n');
      await expect(w.copyFromCsv('contract.load', ['id', 'label', 'price', 'note'], file, { header: true })).rejects.toSatisfy(isStrataError);
      writeFileSync(file, lines.join('\n').replace(',£3,', ',3,') + '\n');
      const loaded = await w.copyFromCsv('contract.load', ['id', 'label', 'price', 'note'], file, { header: true });
      expect(loaded).toBe(20_003);
      expect(await w.query('SELECT id, label, price, note FROM contract.load WHERE id <= 3 ORDER BY id')).toEqual([
        { id: '1', label: 'WHITE HANGING HEART, T-LIGHT', price: '2.5500', note: null },
        { id: '2', label: 'say "hi"', price: '3.0000', note: '' },
        { id: '3', label: 'two\nlines', price: '0.0001', note: 'café' },
      ]);
      expect(await w.query('SELECT count(*)::INTEGER AS n, sum(price)::VARCHAR AS s FROM contract.load')).toEqual([
        { n: 20_003, s: String((await w.query<{ s: string }>('SELECT sum(price)::VARCHAR AS s FROM contract.load'))[0]!.s) },
      ]);
      await expect(w.copyFromCsv('contract.load; DROP TABLE meta.runs', ['id'], file)).rejects.toThrow(/unsafe SQL identifier/);
    });

    it('appends rows inside a transaction (regular and temporary tables), all or nothing', async () => {
      await w.execute('DROP TABLE IF EXISTS contract.appended; CREATE TABLE contract.appended (id BIGINT, label VARCHAR, price DOUBLE)');
      const rows: (string | number | null)[][] = [[1, 'a, "quoted"\nline', 2.5], [2, '', null], [3, null, -0.125]];
      for (let i = 4; i <= 2_503; i++) rows.push([i, `item ${i}`, i / 4]);
      const inTemp = await w.transaction(async (tx) => {
        await tx.appendRows('contract.appended', rows);
        await tx.execute('CREATE TEMP TABLE _append_stage (id BIGINT, label VARCHAR)');
        await tx.appendRows('temp._append_stage', [[7, 'x'], [8, null]]);
        const staged = await tx.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM _append_stage');
        await tx.execute('DROP TABLE _append_stage');
        return staged[0]!.n;
      });
      expect(inTemp).toBe(2);
      expect(await w.query('SELECT id, label, price FROM contract.appended WHERE id <= 3 ORDER BY id')).toEqual([
        { id: '1', label: 'a, "quoted"\nline', price: 2.5 },
        { id: '2', label: '', price: null },
        { id: '3', label: null, price: -0.125 },
      ]);
      expect(await w.query('SELECT count(*)::INTEGER AS n, sum(price) AS s FROM contract.appended')).toEqual([{ n: 2_503, s: rows.reduce((sum, r) => sum + (typeof r[2] === 'number' ? r[2] : 0), 0) }]);
      // A failure later in the transaction takes the appended rows back with it.
      await expect(
        w.transaction(async (tx) => {
          await tx.appendRows('contract.appended', [[9_999, 'rolled back', 1]]);
          await tx.execute('SELECT * FROM contract.no_such_table');
        }),
      ).rejects.toSatisfy(isStrataError);
      expect(await w.query('SELECT count(*)::INTEGER AS n FROM contract.appended WHERE id = 9999')).toEqual([{ n: 0 }]);
      await expect(w.transaction((tx) => tx.appendRows('contract.appended; DROP TABLE meta.runs', [[1, 'x', 1]]))).rejects.toSatisfy(isStrataError);
    });

    it('computes the DuckDB functions the models use identically', async () => {
      const [r] = await w.query(
        `SELECT TRY_CAST('2.555' AS DECIMAL(18, 4)) AS dec_ok, TRY_CAST('2,55' AS DECIMAL(18, 4)) AS dec_bad,
                TRY_CAST('17850.0' AS DOUBLE) AS dbl, TRY_CAST('2011-02-30 10:00' AS TIMESTAMP) AS ts_bad,
                TRY_CAST('2010-12-1 8:26' AS TIMESTAMP) AS ts_ok,
                try_strptime('12/31/10 08:26', ['%d/%m/%y %H:%M', '%m/%d/%y %H:%M']) AS strp,
                year(DATE '2011-01-01') AS y, week(DATE '2011-01-01') AS wk, isoyear(DATE '2011-01-01') AS iy,
                monthname(DATE '2011-01-01') AS mn, dayname(DATE '2011-01-01') AS dn, isodow(DATE '2011-01-02') AS dow,
                datediff('month', DATE '2010-12-31', DATE '2011-01-01') AS months,
                strftime(TIMESTAMP '2010-12-01 08:26:00', '%Y-%m-%d %H:%M:%S') AS fmt,
                round(0.125::DOUBLE, 2) AS half_up, round(2.675::DOUBLE, 2) AS r2,
                len(['a', 'b']) AS n, contains('abc', 'b') AS has, regexp_full_match('C536379', '[A-Za-z]?[0-9]{5,8}') AS full_match,
                md5('strata') AS hash, date_trunc('month', DATE '2011-03-15')::DATE AS month_start`,
      );
      expect(r).toEqual({
        dec_ok: '2.5550', dec_bad: null, dbl: 17850, ts_bad: null, ts_ok: '2010-12-01 08:26:00', strp: '2010-12-31 08:26:00',
        y: '2011', wk: '52', iy: '2010', mn: 'January', dn: 'Saturday', dow: '7', months: '1', fmt: '2010-12-01 08:26:00',
        half_up: 0.13, r2: 2.68, n: '2', has: true, full_match: true, hash: '77194479b2a7c2698a54a10abfeeda85', month_start: '2011-03-01',
      });
      const [m] = await w.query(
        `SELECT median(x) AS even, any_value(x) IS NOT NULL AS any, list(x::VARCHAR ORDER BY x) AS xs
         FROM (SELECT unnest(['1.0003', '1.0004']) AS t) s, LATERAL (SELECT t::DECIMAL(18, 4) AS x) v`,
      );
      expect(m).toEqual({ even: '1.0003', any: true, xs: ['1.0003', '1.0004'] });
    });

    it('tells statement kinds apart (the SQL console allows only reads)', async () => {
      expect(await w.statementKinds('SELECT 1; INSERT INTO contract.t VALUES (2, \'two\')')).toEqual(['SELECT', 'INSERT']);
      expect(await w.statementKinds("WITH x AS (SELECT 1) SELECT * FROM x")).toEqual(['SELECT']);
    });

    it('opened read-only, refuses every write and keeps the data', async () => {
      const ro = await f.reopenReadOnly();
      expect(ro.readOnly).toBe(true);
      for (const sql of ['INSERT INTO contract.t VALUES (9, \'nine\')', 'DELETE FROM contract.t', 'CREATE TABLE contract.x (a INTEGER)', 'DROP TABLE contract.t']) {
        await expect(ro.execute(sql)).rejects.toSatisfy(isStrataError);
      }
      expect(await ro.query('SELECT id, name FROM contract.t')).toEqual([{ id: 1, name: 'one' }]);
    });
  });
}
