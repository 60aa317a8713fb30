/**
 * The functions a console query or SQL alert rule may call on the PostgreSQL warehouse. DuckDB's
 * instance has file access turned off, so any DuckDB function is harmless there; PostgreSQL's
 * catalogue has functions that run SQL given as text (query_to_xml), read server files
 * (pg_read_file) or change settings (set_config), so there the guard runs an allow-list: the
 * common aggregates, window, text, number and date functions, and Strata's own compat layer.
 */
import { POSTGRES_COMPAT_FUNCTIONS } from '../engine/index.js';

const COMMON = [
  // aggregates (DuckDB names count(*) count_star)
  'count', 'count_star', 'sum', 'avg', 'min', 'max', 'any_value', 'bool_and', 'bool_or', 'string_agg', 'stddev', 'stddev_samp', 'stddev_pop',
  'arg_max', 'variance', 'var_samp', 'var_pop', 'median', 'mode', 'percentile_cont', 'percentile_disc', 'quantile_cont', 'quantile_disc', 'corr', 'covar_pop', 'covar_samp',
  // window
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value',
  // numbers
  'abs', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'sign', 'sqrt', 'power', 'pow', 'exp', 'ln', 'log', 'log10', 'greatest', 'least', 'nullif', 'mod',
  // text
  'lower', 'upper', 'length', 'char_length', 'trim', 'ltrim', 'rtrim', 'substr', 'substring', 'replace', 'concat', 'concat_ws', 'left', 'right', 'lpad',
  'rpad', 'position', 'strpos', 'starts_with', 'regexp_replace', 'regexp_matches', 'split_part', 'md5', 'initcap', 'reverse',
  // dates
  'date_trunc', 'date_part', 'extract', 'make_date', 'to_char', 'to_date', 'to_timestamp', 'age', 'current_date', 'now',
];

// Strata's compat functions (schema strata_compat) are ours and read-only.
const ALLOWED = new Set([...COMMON, ...POSTGRES_COMPAT_FUNCTIONS]);

interface FunctionCall {
  readonly name: string;
  readonly schema: string;
}

/** Every function a parse tree calls (operators such as || and + are functions there too). */
export function functionsOf(ast: unknown): FunctionCall[] {
  const calls: FunctionCall[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if ((n['class'] === 'FUNCTION' || n['class'] === 'WINDOW') && typeof n['function_name'] === 'string') {
      calls.push({ name: n['function_name'].toLowerCase(), schema: String(n['schema'] ?? '').toLowerCase() });
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(ast);
  return calls;
}

/** The first call not allowed on PostgreSQL, as written; null when every call is allowed. */
export function refusedOnPostgres(calls: readonly FunctionCall[]): string | null {
  for (const call of calls) {
    const operator = !/^[a-z_]/.test(call.name);
    if (call.schema && call.schema !== 'strata_compat') return `${call.schema}.${call.name}`;
    if (!operator && !ALLOWED.has(call.name)) return call.name;
  }
  return null;
}
