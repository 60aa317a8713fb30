/**
 * Compiles a rule to one SELECT over the typed stage `_typed` returning the rows that break it:
 * (batch_id, line, value). Identifiers come from the allow-list in rule.ts; literals are quoted.
 */
import { assertSafeIdent, quoteLiteral } from '../engine/index.js';
import { StrataError } from '../shared/index.js';
import { STAGE_COLUMNS, type Rule, type StageColumn } from './rule.js';

export interface CompiledRule {
  readonly rule: Rule;
  readonly column: StageColumn | null;
  readonly sql: string;
}

const raw = (column: StageColumn): string => `${column}_raw`;
const typed = (column: StageColumn): string => column;
const PARSED = '_parse_error IS NULL';

function column(name: string, rule: Rule): StageColumn {
  if (!(STAGE_COLUMNS as readonly string[]).includes(name)) {
    throw new StrataError('STRATA_ERR_RULE', `rule ${rule.id} names unknown column ${JSON.stringify(name)}`);
  }
  return name as StageColumn;
}

function literal(value: number | string, rule: Rule): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StrataError('STRATA_ERR_RULE', `rule ${rule.id} has a non-finite bound`);
    return String(value);
  }
  if (!/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$/.test(value)) {
    throw new StrataError('STRATA_ERR_RULE', `rule ${rule.id}: bound ${JSON.stringify(value)} is neither a number nor a date`);
  }
  return `TIMESTAMP ${quoteLiteral(value)}`;
}

const select = (where: string, value: string): string => `SELECT batch_id, line, ${value} AS value FROM _typed WHERE ${where}`;

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
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND ${typed(c)} IS NULL`, raw(c)) };
    }
    case 'range': {
      const c = column(rule.column, rule);
      const bounds: string[] = [];
      if (rule.min !== undefined) bounds.push(`${typed(c)} ${rule.exclusiveMin ? '>' : '>='} ${literal(rule.min, rule)}`);
      if (rule.max !== undefined) bounds.push(`${typed(c)} <= ${literal(rule.max, rule)}`);
      if (!bounds.length) throw new StrataError('STRATA_ERR_RULE', `range rule ${rule.id} has no bound`);
      return { rule, column: c, sql: select(`${PARSED} AND ${typed(c)} IS NOT NULL AND NOT (${bounds.join(' AND ')})`, raw(c)) };
    }
    case 'pattern': {
      const c = column(rule.column, rule);
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND NOT regexp_full_match(${raw(c)}, ${quoteLiteral(rule.pattern)})`, raw(c)) };
    }
    case 'allowed_values': {
      const c = column(rule.column, rule);
      const values = rule.values.map(quoteLiteral).join(', ');
      return { rule, column: c, sql: select(`${PARSED} AND ${typed(c)} IS NOT NULL AND ${typed(c)}::VARCHAR NOT IN (${values})`, raw(c)) };
    }
    case 'unique': {
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
      const [schema, table] = rule.table.split('.');
      const target = `${assertSafeIdent(schema ?? '')}.${assertSafeIdent(table ?? '')}`;
      const ref = `r.${assertSafeIdent(rule.tableColumn)}`;
      const cmp = rule.caseInsensitive ? `lower(${ref}) = lower(trim(${raw(c)}))` : `${ref} = trim(${raw(c)})`;
      return { rule, column: c, sql: select(`${PARSED} AND ${raw(c)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${target} r WHERE ${cmp})`, raw(c)) };
    }
    case 'custom_sql': {
      const c = rule.column ? column(rule.column, rule) : null;
      return { rule, column: c, sql: select(`${PARSED} AND (${rule.violation})`, c ? raw(c) : 'NULL') };
    }
  }
}
