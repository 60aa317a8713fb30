/** The dialect module's rewrites, as text: what PostgreSQL receives for the DuckDB common subset. */
import { describe, expect, it } from 'vitest';
import { bindPostgresParams, splitStatements, statementKindOf, toPostgresSql } from '../../src/engine/dialect.js';

describe('toPostgresSql', () => {
  it('rewrites TRY_CAST, DOUBLE, list literals, list(), INTERVAL n UNIT and CREATE OR REPLACE TABLE', () => {
    expect(toPostgresSql("SELECT TRY_CAST(trim(x) AS DECIMAL(18, 4)) AS d, TRY_CAST(y AS TIMESTAMP) AS t FROM s AS a")).toBe(
      'SELECT (strata_compat.try_decimal((trim(x))::text, 18, 4))::DECIMAL(18, 4) AS d, strata_compat.try_timestamp((y)::text) AS t FROM s AS a',
    );
    expect(toPostgresSql('SELECT x::DOUBLE AS d, y::DOUBLE PRECISION AS e')).toBe('SELECT x::DOUBLE PRECISION AS d, y::DOUBLE PRECISION AS e');
    expect(toPostgresSql("SELECT coalesce(w, []::VARCHAR[]), f(x, ['%m', '%d']), v[1], list(a ORDER BY a) FROM t AS t")).toBe(
      "SELECT coalesce(w, ARRAY[]::VARCHAR[]), f(x, ARRAY['%m', '%d']), v[1], array_agg(a ORDER BY a) FROM t AS t",
    );
    expect(toPostgresSql('SELECT d + INTERVAL 1 DAY')).toBe("SELECT d + INTERVAL '1 day'");
    expect(toPostgresSql('CREATE OR REPLACE TABLE gold.x AS SELECT 1')).toBe('DROP TABLE IF EXISTS gold.x; CREATE TABLE gold.x AS SELECT 1');
  });

  it('aliases every FROM/JOIN subquery that has none, and leaves aliased ones alone', () => {
    expect(toPostgresSql('SELECT count(*) FROM (SELECT a FROM t GROUP BY a HAVING count(*) > 1)')).toBe(
      'SELECT count(*) FROM (SELECT a FROM t GROUP BY a HAVING count(*) > 1) AS _sq0',
    );
    expect(toPostgresSql('SELECT * FROM (SELECT 1) x JOIN (SELECT 2) AS y ON true')).toBe('SELECT * FROM (SELECT 1) x JOIN (SELECT 2) AS y ON true');
    expect(toPostgresSql('SELECT * FROM (SELECT * FROM (SELECT 1) WHERE true) ORDER BY 1')).toBe(
      'SELECT * FROM (SELECT * FROM (SELECT 1) AS _sq1 WHERE true) AS _sq0 ORDER BY 1',
    );
  });

  it('never touches string literals, quoted names or dollar-quoted bodies', () => {
    const sql = `SELECT 'TRY_CAST(a AS DOUBLE) [x] INTERVAL 1 DAY' AS "DOUBLE", $$ list( $$ AS b FROM t AS t`;
    expect(toPostgresSql(sql)).toBe(sql);
  });

  it('refuses DuckDB-only constructs by name instead of sending them', () => {
    for (const [sql, what] of [
      ['SELECT * FROM a ANTI JOIN b USING (k)', /ANTI\/SEMI\/ASOF JOIN/],
      ['SELECT * FROM a QUALIFY row_number() OVER () = 1', /QUALIFY/],
      ['SELECT * EXCLUDE (k) FROM a', /EXCLUDE/],
      ['SELECT k, count(*) FROM a GROUP BY ALL', /GROUP BY ALL/],
      ['SELECT arg_min(a, b) FROM t', /arg_min/],
      ["SELECT * FROM read_csv('x.csv')", /file readers/],
    ] as const) {
      expect(() => toPostgresSql(sql)).toThrow(what);
    }
  });
});

describe('bindPostgresParams', () => {
  it('numbers named params in order of first use, binds a repeated name once and lists as text[]', () => {
    expect(bindPostgresParams("SELECT $b, $a, unnest($ids), $b, '$a' FROM t", { a: 1, b: 'x', ids: ['p', 'q'] })).toEqual({
      text: "SELECT $1, $2, unnest($3::text[]), $1, '$a' FROM t",
      values: ['x', 1, ['p', 'q']],
    });
  });

  it('names a parameter the caller forgot', () => {
    expect(() => bindPostgresParams('SELECT $missing', { other: 1 })).toThrow(/\$missing/);
  });
});

describe('statements', () => {
  it('splits at top-level semicolons and names kinds as DuckDB does', () => {
    expect(splitStatements("SELECT ';'; INSERT INTO t VALUES (1);  ")).toEqual(["SELECT ';'", 'INSERT INTO t VALUES (1)']);
    expect(['SELECT 1', 'WITH x AS (SELECT 1) DELETE FROM t', 'CREATE TABLE t (a INT)', 'COPY t FROM STDIN'].map(statementKindOf)).toEqual([
      'SELECT', 'DELETE', 'CREATE', 'COPY',
    ]);
  });
});
