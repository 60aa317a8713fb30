/**
 * The one place where DuckDB and PostgreSQL differ. Models, quality rules and the pipeline are
 * written once, in DuckDB's SQL restricted to a common subset (no ANTI JOIN, QUALIFY, EXCLUDE,
 * GROUP BY ALL, unaliased tuples, implicit int/int -> double division: those are spelled out in
 * the model). For PostgreSQL this module
 *   1. rewrites the syntax that has no PostgreSQL spelling (`toPostgresSql`): TRY_CAST, list
 *      literals, list(), DOUBLE, INTERVAL 1 DAY, CREATE OR REPLACE TABLE/VIEW, FROM (subquery)
 *      without an alias (PostgreSQL 15 wants one), and refuses the DuckDB-only constructs it cannot
 *      rewrite, naming them;
 *   2. binds named `$params` as positional ones (`bindPostgresParams`), lists as text[];
 *   3. installs the DuckDB functions the SQL calls under the same names, with DuckDB's semantics
 *      (`POSTGRES_COMPAT_SQL`, schema strata_compat on the search path): year(), monthname(),
 *      date_diff(), strftime(), try_strptime(), median(), any_value(), len(), contains(), list_contains(),
 *      regexp_full_match(), hash(), json_extract(), json_type(), range(), round(double, n) that rounds half
 *      away from zero as DuckDB does, duckdb_tables()/duckdb_views()/duckdb_columns();
 *   4. replaces the DuckDB macros of models/ddl by PostgreSQL functions (`migrationSql`);
 *   5. names the COPY statement of a bulk load (`postgresCopySql`).
 */
import { StrataError } from '../shared/index.js';
import type { SqlParams, SqlValue } from './warehouse.js';

export type DialectName = 'duckdb' | 'postgres';

interface Masked {
  readonly text: string;
  readonly literals: readonly string[];
}

const MARK = '\u0001';

/** Replaces string literals and quoted identifiers by placeholders and drops comments, so rewrites see only code. */
export function maskSql(sql: string): Masked {
  const literals: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      out += ' ';
      continue;
    }
    const dollar = ch === '$' ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64)) : null;
    if (dollar) {
      const end = sql.indexOf(dollar[0], i + dollar[0].length);
      if (end === -1) throw new StrataError('STRATA_ERR_ENGINE', 'unterminated dollar-quoted string in SQL');
      out += `${MARK}${literals.length}${MARK}`;
      literals.push(sql.slice(i, end + dollar[0].length));
      i = end + dollar[0].length;
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new StrataError('STRATA_ERR_ENGINE', `unterminated ${ch === "'" ? 'string literal' : 'quoted identifier'} in SQL`);
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      out += `${MARK}${literals.length}${MARK}`;
      literals.push(sql.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, literals };
}

const unmask = (text: string, literals: readonly string[]): string =>
  text.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_, n: string) => literals[Number(n)]!);

/** Index of the parenthesis closing the one at `open`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new StrataError('STRATA_ERR_ENGINE', 'unbalanced parentheses in SQL');
}

/** Index of the last ` AS ` at depth 0 inside `inner`, or -1. */
function topLevelAs(inner: string): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /\s/.test(c!) && /^\sAS\s/i.test(inner.slice(i, i + 4))) found = i;
  }
  return found;
}

/** TRY_CAST(x AS type) has no PostgreSQL spelling: strata_compat.try_<type>(x) returns NULL where DuckDB's does. */
function rewriteTryCast(text: string): string {
  const re = /\bTRY_CAST\s*\(/gi;
  let result = text;
  for (;;) {
    re.lastIndex = 0;
    const m = re.exec(result);
    if (!m) return result;
    const open = m.index + m[0].length - 1;
    const close = closingParen(result, open);
    const inner = result.slice(open + 1, close);
    const at = topLevelAs(inner);
    if (at < 0) throw new StrataError('STRATA_ERR_ENGINE', `TRY_CAST without AS: ${inner.slice(0, 80)}`);
    const expr = inner.slice(0, at).trim();
    const type = inner.slice(at).replace(/^\s*AS\s+/i, '').trim();
    const upper = type.toUpperCase().replace(/\s+/g, '');
    let replacement: string;
    const decimal = /^(?:DECIMAL|NUMERIC)(?:\((\d+),(\d+)\))?$/.exec(upper);
    if (decimal) {
      const [p, s] = [decimal[1] ?? '18', decimal[2] ?? '3'];
      replacement = `(strata_compat.try_decimal((${expr})::text, ${p}, ${s}))::DECIMAL(${p}, ${s})`;
    } else if (/^(INTEGER|INT|INT4)$/.test(upper)) replacement = `strata_compat.try_integer((${expr})::text)`;
    else if (/^(BIGINT|INT8)$/.test(upper)) replacement = `strata_compat.try_bigint((${expr})::text)`;
    else if (/^(DOUBLE|DOUBLEPRECISION|FLOAT8)$/.test(upper)) replacement = `strata_compat.try_double((${expr})::text)`;
    else if (upper === 'TIMESTAMP') replacement = `strata_compat.try_timestamp((${expr})::text)`;
    else if (upper === 'DATE') replacement = `strata_compat.try_date((${expr})::text)`;
    else if (upper === 'VARCHAR' || upper === 'TEXT') replacement = `((${expr})::text)`;
    else throw new StrataError('STRATA_ERR_ENGINE', `TRY_CAST to ${type} has no PostgreSQL form in src/engine/dialect.ts`);
    result = result.slice(0, m.index) + replacement + result.slice(close + 1);
  }
}

const NOT_ALIAS = new Set([
  'WHERE', 'GROUP', 'ORDER', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'UNION', 'EXCEPT',
  'INTERSECT', 'LIMIT', 'OFFSET', 'HAVING', 'WINDOW', 'RETURNING', 'FETCH', 'FOR',
]);

/** PostgreSQL 15 wants an alias on every subquery in FROM; DuckDB does not. */
function aliasSubqueries(text: string): string {
  let result = text;
  let counter = 0;
  const re = /\b(FROM|JOIN)\s*\(\s*(SELECT|WITH)\b/gi;
  let searchFrom = 0;
  for (;;) {
    re.lastIndex = searchFrom;
    const m = re.exec(result);
    if (!m) return result;
    const open = result.indexOf('(', m.index + m[1]!.length);
    const close = closingParen(result, open);
    const after = result.slice(close + 1);
    const word = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(after)?.[1];
    const aliased = word !== undefined && (word.toUpperCase() === 'AS' || !NOT_ALIAS.has(word.toUpperCase()));
    if (!aliased) result = `${result.slice(0, close + 1)} AS _sq${counter++}${after}`;
    searchFrom = open + 1;
  }
}

const REFUSED: readonly [RegExp, string][] = [
  [/\b(ANTI|SEMI|ASOF)\s+(LEFT\s+)?JOIN\b/i, 'ANTI/SEMI/ASOF JOIN (write NOT EXISTS / EXISTS)'],
  [/\bQUALIFY\b/i, 'QUALIFY (filter a row_number() in a subquery)'],
  [/\*\s*EXCLUDE\s*\(/i, 'SELECT * EXCLUDE (name the columns)'],
  [/\bGROUP\s+BY\s+ALL\b/i, 'GROUP BY ALL (name the columns)'],
  [/\bCREATE\s+(OR\s+REPLACE\s+)?MACRO\b/i, 'CREATE MACRO (see migrationSql)'],
  [/\barg_min\s*\(/i, 'arg_min (use row_number() over an ordered window)'],
  [/\b(read_csv|read_csv_auto|read_parquet|read_json)\s*\(/i, 'DuckDB file readers (load with copyFromCsv)'],
];

const cache = new Map<string, string>();

/** DuckDB SQL of the common subset -> PostgreSQL SQL. Pure and memoised. */
export function toPostgresSql(sql: string): string {
  const hit = cache.get(sql);
  if (hit !== undefined) return hit;
  const { text, literals } = maskSql(sql);
  for (const [pattern, what] of REFUSED) {
    if (pattern.test(text)) {
      throw new StrataError('STRATA_ERR_ENGINE', `SQL uses ${what}, which has no PostgreSQL form: ${sql.trim().slice(0, 120)}`);
    }
  }
  let out = text;
  out = out.replace(/\bCREATE\s+OR\s+REPLACE\s+(TABLE|VIEW)\s+([A-Za-z_][A-Za-z0-9_.]*)\s+AS\b/gi, (_, kind: string, name: string) => `DROP ${kind.toUpperCase()} IF EXISTS ${name}; CREATE ${kind.toUpperCase()} ${name} AS`);
  out = rewriteTryCast(out);
  out = out.replace(/\bDOUBLE\b(?!\s+PRECISION)/gi, 'DOUBLE PRECISION');
  out = out.replace(/\bINTERVAL\s+(\d+)\s+(MICROSECONDS?|MILLISECONDS?|SECONDS?|MINUTES?|HOURS?|DAYS?|WEEKS?|MONTHS?|YEARS?)\b/gi, (_, n: string, unit: string) => `INTERVAL '${n} ${unit.toLowerCase()}'`);
  // A list literal ([a, b], []) stands where a value starts; subscripts and VARCHAR[] follow a name.
  out = out.replace(/(^|[(,=]|\bTHEN|\bELSE|\bSELECT|\bIN)(\s*)\[/gi, (_, before: string, space: string) => `${before}${space}ARRAY[`);
  out = out.replace(/\blist\s*\(/gi, 'array_agg(');
  out = aliasSubqueries(out);
  const result = unmask(out, literals);
  cache.set(sql, result);
  return result;
}

const IS_NULL_AFTER = /^\s+IS\s+(NOT\s+)?NULL\b/i;

/** The PostgreSQL type a bound value is read as where the SQL around it does not say. */
function parameterType(value: SqlValue): string {
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double precision';
  if (typeof value === 'bigint') return 'bigint';
  if (typeof value === 'boolean') return 'boolean';
  return 'text';
}

/** Named `$params` -> `$1..$n` (a name used twice binds once); lists are bound as text[]. */
export function bindPostgresParams(sql: string, params: SqlParams | undefined): { text: string; values: unknown[] } {
  if (!params || Object.keys(params).length === 0) return { text: sql, values: [] };
  const { text, literals } = maskSql(sql);
  const order = new Map<string, number>();
  const values: unknown[] = [];
  const bound = text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string, offset: number) => {
    if (!(name in params)) throw new StrataError('STRATA_ERR_ENGINE', `SQL names parameter $${name} that was not given`);
    let index = order.get(name);
    const value: SqlValue = params[name]!;
    if (index === undefined) {
      values.push(typeof value === 'bigint' ? value.toString() : value);
      index = values.length;
      order.set(name, index);
    }
    if (Array.isArray(value)) return `$${index}::text[]`;
    // `$p IS NULL` (an optional filter) gives PostgreSQL nothing to infer the parameter's type
    // from ("could not determine data type"): there it is typed by its value.
    if (IS_NULL_AFTER.test(text.slice(offset + whole.length, offset + whole.length + 16))) return `$${index}::${parameterType(value)}`;
    return `$${index}`;
  });
  return { text: unmask(bound, literals), values };
}

/** Splits `sql` into statements at top-level semicolons (literals respected). */
export function splitStatements(sql: string): string[] {
  const { text, literals } = maskSql(sql);
  return text
    .split(';')
    .map((s) => unmask(s, literals).trim())
    .filter((s) => s.length > 0);
}

/** The statement kind as DuckDB's StatementType names it (SELECT, INSERT, ...), from the leading keyword. */
export function statementKindOf(statement: string): string {
  const { text } = maskSql(statement);
  const words = text.trim().split(/[\s(]+/).filter(Boolean).map((w) => w.toUpperCase());
  let first = words[0] ?? '';
  if (first === 'WITH') {
    // The verb after the CTEs: the first DML keyword at depth 0 after the last closing CTE body.
    let depth = 0;
    const body = text.trim();
    for (let i = 0; i < body.length; i++) {
      if (body[i] === '(') depth++;
      else if (body[i] === ')') depth--;
      else if (depth === 0) {
        const m = /^(SELECT|INSERT|UPDATE|DELETE|MERGE)\b/i.exec(body.slice(i));
        if (m && /\s|\)/.test(body[i - 1] ?? ' ')) {
          first = m[1]!.toUpperCase();
          break;
        }
      }
    }
  }
  const kinds: Record<string, string> = {
    SELECT: 'SELECT', VALUES: 'SELECT', TABLE: 'SELECT', FROM: 'SELECT', INSERT: 'INSERT', UPDATE: 'UPDATE', DELETE: 'DELETE',
    CREATE: 'CREATE', DROP: 'DROP', ALTER: 'ALTER', COPY: 'COPY', EXPLAIN: 'EXPLAIN', SET: 'SET', RESET: 'SET', SHOW: 'SELECT',
    BEGIN: 'TRANSACTION', START: 'TRANSACTION', COMMIT: 'TRANSACTION', ROLLBACK: 'TRANSACTION', END: 'TRANSACTION',
    TRUNCATE: 'DELETE', MERGE: 'MERGE_INTO', CALL: 'CALL', PREPARE: 'PREPARE', EXECUTE: 'EXECUTE', VACUUM: 'VACUUM',
    ANALYZE: 'ANALYZE', GRANT: 'ALTER', REVOKE: 'ALTER', LOCK: 'SET', COMMENT: 'ALTER', DO: 'CALL', REINDEX: 'ALTER',
  };
  return kinds[first] ?? 'UNKNOWN';
}

/** The text of a migration in models/ddl for `dialect`: on PostgreSQL the DuckDB macros become functions. */
export function migrationSql(dialect: DialectName, name: string, sql: string): string {
  if (dialect === 'postgres' && name === '005_rfm_macros.sql') return RFM_FUNCTIONS;
  return sql;
}

/** models/ddl/005_rfm_macros.sql as PostgreSQL functions (same names, same rules). */
const RFM_FUNCTIONS = `
CREATE OR REPLACE FUNCTION reference.rfm_quintile(pr double precision) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT least(5, 1 + floor(5 * pr))::integer $$;
CREATE OR REPLACE FUNCTION reference.rfm_segment(r_score integer, f_score integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN r_score >= 5 AND f_score >= 4 THEN 'Champions'
        WHEN r_score >= 3 AND f_score >= 4 THEN 'Loyal Customers'
        WHEN r_score >= 4 AND f_score BETWEEN 2 AND 3 THEN 'Potential Loyalists'
        WHEN r_score = 5 AND f_score = 1 THEN 'New Customers'
        WHEN r_score = 4 AND f_score = 1 THEN 'Promising'
        WHEN r_score = 3 AND f_score = 3 THEN 'Need Attention'
        WHEN r_score = 3 AND f_score <= 2 THEN 'About to Sleep'
        WHEN r_score <= 2 AND f_score = 5 THEN 'Cannot Lose Them'
        WHEN r_score <= 2 AND f_score BETWEEN 3 AND 4 THEN 'At Risk'
        ELSE 'Hibernating'
    END $$;
`;

/** Bumped whenever POSTGRES_COMPAT_SQL changes, so an older install is replaced. */
export const POSTGRES_COMPAT_VERSION = 11;

/** DuckDB functions the shared SQL calls, with DuckDB's semantics, in schema strata_compat. */
export const POSTGRES_COMPAT_SQL = String.raw`
CREATE SCHEMA IF NOT EXISTS strata_compat;

-- regexp_extract(s, pattern): the whole first match, '' when there is none (DuckDB's group 0).
CREATE OR REPLACE FUNCTION strata_compat.regexp_extract(s text, pattern text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s IS NULL THEN NULL ELSE coalesce((regexp_match(s, '(' || pattern || ')'))[1], '') END $$;

-- TRY_CAST targets: NULL where DuckDB's TRY_CAST gives NULL, with no exception per row. PL/pgSQL,
-- whose expression plans are cached per session (a non-inlined SQL function costs milliseconds a call).
-- The parsers are declared VOLATILE on purpose: PostgreSQL then materialises the CTE that calls them
-- instead of inlining it, which would evaluate each parse once per later reference (12 times a row).
CREATE OR REPLACE FUNCTION strata_compat.try_numeric(v text) RETURNS numeric LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF v ~ '^\s*[+-]?([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$' THEN RETURN replace(v, '_', '')::numeric; END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_decimal(v text, p integer, s integer) RETURNS numeric LANGUAGE plpgsql VOLATILE AS $$
DECLARE n numeric := round(strata_compat.try_numeric(v), s);
BEGIN
  IF abs(n) < 10::numeric ^ (p - s) THEN RETURN n; END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_integer(v text) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE n numeric := round(strata_compat.try_numeric(v));
BEGIN
  IF abs(n) <= 2147483647 THEN RETURN n::integer; END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_bigint(v text) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE n numeric := round(strata_compat.try_numeric(v));
BEGIN
  IF abs(n) <= 9223372036854775807 THEN RETURN n::bigint; END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_double(v text) RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF v ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$' THEN
    IF abs(v::numeric) < 1e308 THEN RETURN v::double precision; END IF;
  ELSIF v ~* '^\s*[+-]?(inf|infinity|nan)\s*$' THEN RETURN v::double precision;
  END IF;
  RETURN NULL;
END $$;

-- A real moment from its parts, or NULL (2011-02-30, 25:00): no exception per row.
CREATE OR REPLACE FUNCTION strata_compat.timestamp_of(y integer, mo integer, d integer, h integer, mi integer, s double precision)
RETURNS timestamp LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE last_day integer := (ARRAY[31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[mo];
BEGIN
  IF mo = 2 AND ((y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0) THEN last_day := 29; END IF;
  IF y BETWEEN 1 AND 9999 AND mo BETWEEN 1 AND 12 AND d BETWEEN 1 AND last_day AND h BETWEEN 0 AND 23 AND mi BETWEEN 0 AND 59
     AND s >= 0 AND s < 60 THEN
    RETURN make_timestamp(y, mo, d, h, mi, s);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_timestamp(v text) RETURNS timestamp LANGUAGE plpgsql VOLATILE AS $$
DECLARE p text[];
BEGIN
  -- A match without capture groups (PostgreSQL's regex engine is slow at captures), then a split.
  IF v IS NULL OR v !~ '^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]+)?)?)?\s*$' THEN RETURN NULL; END IF;
  p := regexp_split_to_array(btrim(v), '[-: T]');
  RETURN strata_compat.timestamp_of(p[1]::integer, p[2]::integer, p[3]::integer, coalesce(p[4], '0')::integer, coalesce(p[5], '0')::integer,
                                    coalesce(p[6], '0')::double precision);
END $$;
CREATE OR REPLACE FUNCTION strata_compat.try_date(v text) RETURNS date LANGUAGE sql VOLATILE AS $$
  SELECT strata_compat.try_timestamp(v)::date $$;

-- try_strptime(text, formats[]): the first format that matches wins, as in DuckDB.
CREATE OR REPLACE FUNCTION strata_compat.try_strptime(v text, formats text[]) RETURNS timestamp LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  f text; re text; spec text; fields text[]; m text[]; i integer; ch text;
  y integer; mo integer; d integer; h integer; mi integer; s double precision; t timestamp;
BEGIN
  IF v IS NULL THEN RETURN NULL; END IF;
  FOREACH f IN ARRAY formats LOOP
    re := '^'; fields := ARRAY[]::text[]; i := 1;
    WHILE i <= length(f) LOOP
      ch := substr(f, i, 1);
      IF ch = '%' AND i < length(f) THEN
        spec := substr(f, i + 1, 1);
        IF spec = 'Y' THEN re := re || '([0-9]{4})';
        ELSIF spec = 'y' THEN re := re || '([0-9]{2})';
        ELSIF spec IN ('m', 'd', 'H', 'M', 'S') THEN re := re || '([0-9]{1,2})';
        ELSE RAISE EXCEPTION 'try_strptime: format %% % is not supported', spec; END IF;
        fields := fields || spec; i := i + 2;
      ELSE
        re := re || regexp_replace(ch, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'); i := i + 1;
      END IF;
    END LOOP;
    m := regexp_match(v, re || '$');
    IF m IS NOT NULL THEN
      y := 1900; mo := 1; d := 1; h := 0; mi := 0; s := 0;
      FOR i IN 1 .. array_length(fields, 1) LOOP
        CASE fields[i]
          WHEN 'Y' THEN y := m[i]::integer;
          WHEN 'y' THEN y := CASE WHEN m[i]::integer < 69 THEN 2000 ELSE 1900 END + m[i]::integer;
          WHEN 'm' THEN mo := m[i]::integer;
          WHEN 'd' THEN d := m[i]::integer;
          WHEN 'H' THEN h := m[i]::integer;
          WHEN 'M' THEN mi := m[i]::integer;
          WHEN 'S' THEN s := m[i]::double precision;
        END CASE;
      END LOOP;
      t := strata_compat.timestamp_of(y, mo, d, h, mi, s);
      IF t IS NOT NULL THEN RETURN t; END IF;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

-- Date parts (DuckDB returns BIGINT).
CREATE OR REPLACE FUNCTION strata_compat.year(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(year FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.month(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(month FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.day(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(day FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.quarter(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(quarter FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.isoyear(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(isoyear FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.week(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(week FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.isodow(d timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(isodow FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.monthname(d timestamp) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'FMMonth') $$;
CREATE OR REPLACE FUNCTION strata_compat.dayname(d timestamp) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'FMDay') $$;
CREATE OR REPLACE FUNCTION strata_compat.year(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(year FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.month(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(month FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.day(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(day FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.quarter(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(quarter FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.isoyear(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(isoyear FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.week(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(week FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.isodow(d date) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT extract(isodow FROM d)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.monthname(d date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'FMMonth') $$;
CREATE OR REPLACE FUNCTION strata_compat.dayname(d date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(d, 'FMDay') $$;

-- date_diff / datediff: boundaries crossed, as DuckDB counts them.
CREATE OR REPLACE FUNCTION strata_compat.date_diff(part text, a timestamptz, b timestamptz) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE lower(part)
    WHEN 'year' THEN (extract(year FROM b) - extract(year FROM a))::bigint
    WHEN 'month' THEN ((extract(year FROM b) * 12 + extract(month FROM b)) - (extract(year FROM a) * 12 + extract(month FROM a)))::bigint
    WHEN 'day' THEN (b::date - a::date)::bigint
    WHEN 'hour' THEN (floor(extract(epoch FROM b) / 3600) - floor(extract(epoch FROM a) / 3600))::bigint
    WHEN 'minute' THEN (floor(extract(epoch FROM b) / 60) - floor(extract(epoch FROM a) / 60))::bigint
    WHEN 'second' THEN (floor(extract(epoch FROM b)) - floor(extract(epoch FROM a)))::bigint
    WHEN 'millisecond' THEN (floor(extract(epoch FROM b) * 1000) - floor(extract(epoch FROM a) * 1000))::bigint
  END $$;
CREATE OR REPLACE FUNCTION strata_compat.datediff(part text, a timestamptz, b timestamptz) RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT strata_compat.date_diff(part, a, b) $$;

-- strftime with the % codes the models use.
CREATE OR REPLACE FUNCTION strata_compat.strftime(d timestamp, f text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(d, replace(replace(replace(replace(replace(replace(replace(replace(replace(
    f, '%Y', 'YYYY'), '%m', 'MM'), '%d', 'DD'), '%H', 'HH24'), '%M', 'MI'), '%S', 'SS'), '%y', 'YY'), '%B', 'FMMonth'), '%A', 'FMDay')) $$;
CREATE OR REPLACE FUNCTION strata_compat.strftime(d date, f text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT strata_compat.strftime(d::timestamp, f) $$;

-- round(double, n) rounds half away from zero in DuckDB (PostgreSQL's rint rounds half to even).
CREATE OR REPLACE FUNCTION strata_compat.round(x double precision, n integer) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sign(x) * floor(abs(x) * (10::double precision ^ n) + 0.5) / (10::double precision ^ n) $$;

-- sha256(text) as DuckDB returns it: the lower-case hex digest of the UTF-8 bytes.
CREATE OR REPLACE FUNCTION strata_compat.sha256(v text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT encode(pg_catalog.sha256(convert_to(v, 'UTF8')), 'hex') $$;

-- hash(text) as a 64-bit value for grouping (DuckDB's hash() is its own function; the values differ
-- between the engines, and the SQL only ever compares them with each other).
CREATE OR REPLACE FUNCTION strata_compat.hash(v text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT hashtextextended(v, 0) $$;

-- Epochs and durations as the API and the alert store use them (DuckDB: epoch() DOUBLE seconds,
-- epoch_ms() BIGINT milliseconds and its inverse, to_milliseconds() an INTERVAL).
CREATE OR REPLACE FUNCTION strata_compat.epoch(t timestamp) RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT extract(epoch FROM t)::double precision $$;
CREATE OR REPLACE FUNCTION strata_compat.epoch(t timestamptz) RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT extract(epoch FROM t)::double precision $$;
CREATE OR REPLACE FUNCTION strata_compat.epoch_ms(t timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT floor(extract(epoch FROM t) * 1000)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.epoch_ms(ms bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT TIMESTAMP '1970-01-01 00:00:00' + ms * INTERVAL '1 millisecond' $$;
CREATE OR REPLACE FUNCTION strata_compat.to_milliseconds(ms bigint) RETURNS interval LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT ms * INTERVAL '1 millisecond' $$;
CREATE OR REPLACE FUNCTION strata_compat.to_seconds(n bigint) RETURNS interval LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT n * INTERVAL '1 second' $$;
CREATE OR REPLACE FUNCTION strata_compat.to_minutes(n bigint) RETURNS interval LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT n * INTERVAL '1 minute' $$;
CREATE OR REPLACE FUNCTION strata_compat.to_hours(n bigint) RETURNS interval LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT n * INTERVAL '1 hour' $$;
-- strptime(text, format): as try_strptime, but a value that does not parse is an error, as in DuckDB.
CREATE OR REPLACE FUNCTION strata_compat.strptime(v text, f text) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE t timestamp := strata_compat.try_strptime(v, ARRAY[f]);
BEGIN
  IF t IS NULL THEN RAISE EXCEPTION 'Could not parse string "%" according to format specifier "%"', v, f; END IF;
  RETURN t;
END $$;

-- jaro_winkler_similarity(a, b) as DuckDB computes it (rapidfuzz): matches within max(len)/2 - 1,
-- half the out-of-order matches (integer division) as transpositions, and a common prefix of up
-- to 4 characters weighted 0.1 when the Jaro similarity is above 0.7. Same double arithmetic, same order.
CREATE OR REPLACE FUNCTION strata_compat.jaro_winkler_similarity(a text, b text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  la integer := length(a); lb integer := length(b);
  bound integer; m integer := 0; t integer := 0; i integer; j integer; k integer := 1; prefix integer := 0;
  fa boolean[]; fb boolean[]; sim double precision;
BEGIN
  IF la = 0 OR lb = 0 THEN RETURN CASE WHEN la = 0 AND lb = 0 THEN 1.0 ELSE 0.0 END; END IF;
  bound := greatest(greatest(la, lb) / 2 - 1, 0);
  fa := array_fill(false, ARRAY[la]); fb := array_fill(false, ARRAY[lb]);
  FOR i IN 1 .. la LOOP
    FOR j IN greatest(1, i - bound) .. least(lb, i + bound) LOOP
      IF NOT fb[j] AND substr(a, i, 1) = substr(b, j, 1) THEN fa[i] := true; fb[j] := true; m := m + 1; EXIT; END IF;
    END LOOP;
  END LOOP;
  IF m = 0 THEN RETURN 0.0; END IF;
  FOR i IN 1 .. la LOOP
    IF fa[i] THEN
      WHILE NOT fb[k] LOOP k := k + 1; END LOOP;
      IF substr(a, i, 1) <> substr(b, k, 1) THEN t := t + 1; END IF;
      k := k + 1;
    END IF;
  END LOOP;
  t := t / 2;
  sim := ((m::double precision / la::double precision + m::double precision / lb::double precision)
          + (m - t)::double precision / m::double precision) / 3.0::double precision;
  WHILE prefix < least(la, lb, 4) AND substr(a, prefix + 1, 1) = substr(b, prefix + 1, 1) LOOP prefix := prefix + 1; END LOOP;
  IF sim > 0.7::double precision THEN sim := sim + prefix::double precision * 0.1::double precision * (1.0::double precision - sim); END IF;
  RETURN sim;
END $$;

-- Lists and text.
CREATE OR REPLACE FUNCTION strata_compat.len(a anyarray) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT cardinality(a)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.len(a text) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT length(a)::bigint $$;
CREATE OR REPLACE FUNCTION strata_compat.list_contains(l anycompatiblearray, v anycompatible) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT v = ANY(l) $$;
CREATE OR REPLACE FUNCTION strata_compat.contains(a text, b text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(a, b) > 0 $$;
CREATE OR REPLACE FUNCTION strata_compat.regexp_full_match(a text, p text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT a ~ ('^(?:' || p || ')$') $$;

-- JSON, as the event log reads it.
CREATE OR REPLACE FUNCTION strata_compat.json_extract(v json, p text) RETURNS json LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p ~ '^\$\[[0-9]+\]$' THEN v -> (substr(p, 3, length(p) - 3))::integer
              WHEN p ~ '^\$\.' THEN v -> substr(p, 3) END $$;
CREATE OR REPLACE FUNCTION strata_compat.json_type(v json) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE json_typeof(v) WHEN 'null' THEN 'NULL' WHEN 'object' THEN 'OBJECT' WHEN 'array' THEN 'ARRAY' WHEN 'string' THEN 'VARCHAR'
              WHEN 'boolean' THEN 'BOOLEAN' WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$' THEN 'BIGINT' ELSE 'DOUBLE' END END $$;
-- from_json(v, '["JSON"]'): a JSON array as a list of its elements (the one form the API uses).
CREATE OR REPLACE FUNCTION strata_compat.from_json(v json, shape text) RETURNS json[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF shape <> '["JSON"]' THEN RAISE EXCEPTION 'from_json: only the shape ["JSON"] has a PostgreSQL form, got %', shape; END IF;
  RETURN ARRAY(SELECT e FROM json_array_elements(v) AS e);
END $$;
CREATE OR REPLACE FUNCTION strata_compat.range(n bigint) RETURNS SETOF bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT generate_series(0::bigint, n - 1) $$;

-- Aggregates: any_value (PostgreSQL 16 has it; 15 does not), median as DuckDB computes it
-- (a DECIMAL keeps its scale, the mean of the two middle values truncated to it).
CREATE OR REPLACE FUNCTION strata_compat.first_value_of(a anyelement, b anyelement) RETURNS anyelement LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT a $$;
CREATE OR REPLACE AGGREGATE strata_compat.any_value(anyelement) (SFUNC = strata_compat.first_value_of, STYPE = anyelement);
-- first(x ORDER BY ...): the first non-NULL value in the aggregate's order (the API asks it of columns without NULLs).
CREATE OR REPLACE AGGREGATE strata_compat.first(anyelement) (SFUNC = strata_compat.first_value_of, STYPE = anyelement);
-- arg_max(value, key) as DuckDB computes it: the value at the greatest key, rows with a NULL value or
-- key ignored; one overload per value type the shared SQL asks for (keys are event ids, bigint).
DO $$ BEGIN CREATE TYPE strata_compat.arg_max_text AS (v text, k bigint); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_text_step(s strata_compat.arg_max_text, v text, k bigint) RETURNS strata_compat.arg_max_text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL OR k IS NULL THEN s WHEN s IS NULL OR k > (s).k THEN ROW(v, k)::strata_compat.arg_max_text ELSE s END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_text_final(s strata_compat.arg_max_text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (s).v $$;
CREATE OR REPLACE AGGREGATE strata_compat.arg_max(text, bigint) (SFUNC = strata_compat.arg_max_text_step, STYPE = strata_compat.arg_max_text, FINALFUNC = strata_compat.arg_max_text_final);
DO $$ BEGIN CREATE TYPE strata_compat.arg_max_bigint AS (v bigint, k bigint); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_bigint_step(s strata_compat.arg_max_bigint, v bigint, k bigint) RETURNS strata_compat.arg_max_bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL OR k IS NULL THEN s WHEN s IS NULL OR k > (s).k THEN ROW(v, k)::strata_compat.arg_max_bigint ELSE s END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_bigint_final(s strata_compat.arg_max_bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (s).v $$;
CREATE OR REPLACE AGGREGATE strata_compat.arg_max(bigint, bigint) (SFUNC = strata_compat.arg_max_bigint_step, STYPE = strata_compat.arg_max_bigint, FINALFUNC = strata_compat.arg_max_bigint_final);
DO $$ BEGIN CREATE TYPE strata_compat.arg_max_integer AS (v integer, k bigint); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_integer_step(s strata_compat.arg_max_integer, v integer, k bigint) RETURNS strata_compat.arg_max_integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL OR k IS NULL THEN s WHEN s IS NULL OR k > (s).k THEN ROW(v, k)::strata_compat.arg_max_integer ELSE s END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_integer_final(s strata_compat.arg_max_integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (s).v $$;
CREATE OR REPLACE AGGREGATE strata_compat.arg_max(integer, bigint) (SFUNC = strata_compat.arg_max_integer_step, STYPE = strata_compat.arg_max_integer, FINALFUNC = strata_compat.arg_max_integer_final);
DO $$ BEGIN CREATE TYPE strata_compat.arg_max_double AS (v double precision, k bigint); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_double_step(s strata_compat.arg_max_double, v double precision, k bigint) RETURNS strata_compat.arg_max_double LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL OR k IS NULL THEN s WHEN s IS NULL OR k > (s).k THEN ROW(v, k)::strata_compat.arg_max_double ELSE s END $$;
CREATE OR REPLACE FUNCTION strata_compat.arg_max_double_final(s strata_compat.arg_max_double) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (s).v $$;
CREATE OR REPLACE AGGREGATE strata_compat.arg_max(double precision, bigint) (SFUNC = strata_compat.arg_max_double_step, STYPE = strata_compat.arg_max_double, FINALFUNC = strata_compat.arg_max_double_final);
CREATE OR REPLACE FUNCTION strata_compat.median_numeric(v numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n = 0 THEN NULL
              WHEN n % 2 = 1 THEN s[(n + 1) / 2]
              ELSE trunc((s[n / 2] + s[n / 2 + 1]) / 2, greatest(scale(s[n / 2]), scale(s[n / 2 + 1]))) END
  FROM (SELECT coalesce(cardinality(v), 0) AS n, ARRAY(SELECT x FROM unnest(v) AS x ORDER BY x) AS s) t $$;
CREATE OR REPLACE AGGREGATE strata_compat.median(numeric) (SFUNC = array_append, STYPE = numeric[], FINALFUNC = strata_compat.median_numeric);
CREATE OR REPLACE FUNCTION strata_compat.median_double(v double precision[]) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN n = 0 THEN NULL WHEN n % 2 = 1 THEN s[(n + 1) / 2] ELSE (s[n / 2] + s[n / 2 + 1]) / 2 END
  FROM (SELECT coalesce(cardinality(v), 0) AS n, ARRAY(SELECT x FROM unnest(v) AS x ORDER BY x) AS s) t $$;
CREATE OR REPLACE AGGREGATE strata_compat.median(double precision) (SFUNC = array_append, STYPE = double precision[], FINALFUNC = strata_compat.median_double);

-- DuckDB's catalog functions, over pg_catalog.
CREATE OR REPLACE FUNCTION strata_compat.duckdb_tables() RETURNS TABLE (schema_name text, table_name text, temporary boolean, internal boolean)
LANGUAGE sql STABLE AS $$
  SELECT n.nspname::text, c.relname::text, c.relpersistence = 't', false
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' $$;
CREATE OR REPLACE FUNCTION strata_compat.duckdb_views() RETURNS TABLE (schema_name text, view_name text, temporary boolean, internal boolean)
LANGUAGE sql STABLE AS $$
  SELECT n.nspname::text, c.relname::text, c.relpersistence = 't', false
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') $$;
CREATE OR REPLACE FUNCTION strata_compat.duckdb_columns()
RETURNS TABLE (schema_name text, table_name text, column_name text, column_index integer, data_type text, is_nullable boolean, internal boolean)
LANGUAGE sql STABLE AS $$
  SELECT n.nspname::text, c.relname::text, a.attname::text, a.attnum::integer, upper(format_type(a.atttypid, a.atttypmod)), NOT a.attnotnull, false
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' $$;
`;

/** COPY FROM STDIN of a CSV file with the quoting and NULL rules of copyFromCsv. */
/** The functions of the compat layer (schema strata_compat), by name. */
export const POSTGRES_COMPAT_FUNCTIONS: readonly string[] = [...new Set([...POSTGRES_COMPAT_SQL.matchAll(/FUNCTION\s+strata_compat\.([a-z_0-9]+)/gi)].map((m) => m[1]!.toLowerCase()))];

export const postgresCopySql = (target: string, header: boolean): string =>
  `COPY ${target} FROM STDIN WITH (FORMAT csv, HEADER ${header ? 'true' : 'false'}, DELIMITER ',', QUOTE '"', ESCAPE '"')`;
