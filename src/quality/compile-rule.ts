/**
 * Compiles a rule to one SELECT over the typed stage `_typed` returning the rows that break it:
 * (batch_id, line, value). Identifiers come from the allow-list in rule.ts; literals are quoted.
 * A rule that cannot mean anything (unknown column, a bound of the wrong type, an empty list)
 * fails here with STRATA_ERR_RULE rather than as an engine error halfway through a run.
 */
import { assertSafeIdent, quoteLiteral } from '../engine/index.js';
import { StrataError } from '../shared/index.js';
import { STAGE_COLUMNS, STAGE_COLUMN_TYPES, type Rule, type StageColumn } from './rule.js';

export interface CompiledRule {
  readonly rule: Rule;
  readonly column: StageColumn | null;
  readonly sql: string;
}

const raw = (column: StageColumn): string => `${column}_raw`;
const typed = (column: StageColumn): string => column;
const PARSED = '_parse_error IS NULL';
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

const select = (where: string, value: string): string => `SELECT batch_id, line, ${value} AS value FROM _typed WHERE ${where}`;

const invalid = (rule: Rule, problem: string): StrataError => new StrataError('STRATA_ERR_RULE', `rule ${rule.id}: ${problem}`);

function column(name: string, rule: Rule): StageColumn {
  if (!(STAGE_COLUMNS as readonly string[]).includes(name)) throw invalid(rule, `names unknown column ${JSON.stringify(name)}`);
  return name as StageColumn;
}

function ident(name: string, rule: Rule): string {
  try {
    return assertSafeIdent(name);
  } catch (error) {
    throw new StrataError('STRATA_ERR_RULE', `rule ${rule.id}: ${JSON.stringify(name)} is not a plain SQL name`, { cause: error });
  }
}

/** Milliseconds of a YYYY-MM-DD[ HH:MM[:SS]] text, or null when it names no real moment (2011-02-30). */
function dateValue(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const real = at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return real ? at.getTime() : null;
}

function bound(value: number | string, c: StageColumn, rule: Rule): { sql: string; order: number } {
  const type = STAGE_COLUMN_TYPES[c];
  if (type === 'timestamp') {
    const order = typeof value === 'string' ? dateValue(value) : null;
    if (typeof value !== 'string' || order === null) throw invalid(rule, `bound ${JSON.stringify(value)} on ${c} is not a date (YYYY-MM-DD[ HH:MM[:SS]])`);
    return { sql: `TIMESTAMP ${quoteLiteral(value)}`, order };
  }
  if (type === 'text') throw invalid(rule, `a range needs a numeric or date column, not ${c}`);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(rule, `bound ${JSON.stringify(value)} on ${c} is not a finite number`);
  return { sql: String(value), order: value };
}

function compileRange(rule: Extract<Rule, { kind: 'range' }>): CompiledRule {
  const c = column(rule.column, rule);
  const min = rule.min === undefined ? null : bound(rule.min, c, rule);
  const max = rule.max === undefined ? null : bound(rule.max, c, rule);
  if (!min && !max) throw invalid(rule, 'a range needs a min or a max');
  if (min && max && min.order > max.order) throw invalid(rule, `min ${String(rule.min)} is above max ${String(rule.max)}`);
  const bounds = [
    ...(min ? [`${typed(c)} ${rule.exclusiveMin ? '>' : '>='} ${min.sql}`] : []),
    ...(max ? [`${typed(c)} <= ${max.sql}`] : []),
  ];
  return { rule, column: c, sql: select(`${PARSED} AND ${typed(c)} IS NOT NULL AND NOT (${bounds.join(' AND ')})`, raw(c)) };
}

export function compileRule(rule: Rule): CompiledRule {
  switch (rule.kind) {
    case 'row_parses':
      return { rule, column: null, sql: select('_parse_error IS NOT NULL', `_parse_error`) };
    case 'not_null': {
      const c = column(rule.column, rule);
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NULL`, 'NULL') };
    }
    case 'parses_as': {
      const c = column(rule.column, rule);
      if (STAGE_COLUMN_TYPES[c] !== rule.type) throw invalid(rule, `${c} is typed as ${STAGE_COLUMN_TYPES[c]}, not ${rule.type}`);
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND ${typed(c)} IS NULL`, raw(c)) };
    }
    case 'range':
      return compileRange(rule);
    case 'pattern': {
      const c = column(rule.column, rule);
      if (!rule.pattern) throw invalid(rule, 'the pattern is empty');
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND NOT regexp_full_match(${raw(c)}, ${quoteLiteral(rule.pattern)})`, raw(c)) };
    }
    case 'allowed_values': {
      const c = column(rule.column, rule);
      if (!rule.values.length) throw invalid(rule, 'the list of allowed values is empty');
      const values = rule.values.map(quoteLiteral).join(', ');
      return { rule, column: c, sql: select(`${PARSED} AND ${typed(c)} IS NOT NULL AND ${typed(c)}::VARCHAR NOT IN (${values})`, raw(c)) };
    }
    case 'unique': {
      if (!rule.columns.length) throw invalid(rule, 'a unique rule needs at least one column');
      const cols = rule.columns.map((name) => typed(column(name, rule)));
      const key = `concat_ws(' | ', ${cols.map((c) => `coalesce(${c}::VARCHAR, '')`).join(', ')})`;
      return {
        rule,
        column: null,
        sql: `SELECT batch_id, line, value FROM (
                SELECT batch_id, line, ${key} AS value,
                       row_number() OVER (PARTITION BY ${cols.join(', ')} ORDER BY batch_order, line) AS occurrence
                FROM _typed WHERE ${PARSED}) WHERE occurrence > 1`,
      };
    }
    case 'referential': {
      const c = column(rule.column, rule);
      const parts = rule.table.split('.');
      if (parts.length !== 2) throw invalid(rule, `table ${JSON.stringify(rule.table)} is not schema.table`);
      const target = `${ident(parts[0]!, rule)}.${ident(parts[1]!, rule)}`;
      const ref = `r.${ident(rule.tableColumn, rule)}`;
      const cmp = rule.caseInsensitive ? `lower(${ref}) = lower(trim(${raw(c)}))` : `${ref} = trim(${raw(c)})`;
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${target} r WHERE ${cmp})`, raw(c)) };
    }
    case 'custom_sql': {
      const c = rule.column ? column(rule.column, rule) : null;
      if (!rule.violation.trim()) throw invalid(rule, 'the violation condition is empty');
      return { rule, column: c, sql: select(`${PARSED} AND (${rule.violation})`, c ? raw(c) : 'NULL') };
    }
  }
}
