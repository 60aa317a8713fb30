/**
 * The read-only SQL console behind the dashboard. The engine parses the query (only a single
 * SELECT serialises), and every relation it names must be a table or view of silver or gold, or
 * one of its own CTEs: table functions (read_csv, read_text, glob, ...) and file paths are
 * refused, so the console cannot read the server's files. Analysts may only name relations that
 * hold no customer identifier; engineers and admins may name any silver or gold relation.
 * Alert rules use the same guard with their own schema allow-list (gold, meta, quality, ...).
 */
import { StrataError } from '../shared/index.js';
import type { QuerySource } from './query-source.js';
import { serialisedParse } from './sql-parser.js';
import { functionsOf, refusedOnPostgres } from './console-functions.js';

export const CONSOLE_SCHEMAS = ['silver', 'gold'] as const;
export const CONSOLE_MAX_ROWS = 10_000;
const PERSONAL_COLUMNS = ['customer_id', 'customer_key'];

export interface ConsoleResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly Record<string, unknown>[];
  readonly row_count: number;
  readonly truncated: boolean;
  readonly duration_ms: number;
}

interface AstNode {
  readonly [key: string]: unknown;
}

const refuse = (message: string): StrataError => new StrataError('STRATA_ERR_QUERY_NOT_READ_ONLY', message);

/** Walks the serialised AST and returns the relations it names, refusing anything but plain tables. */
export function relationsOf(ast: unknown): { schema: string; table: string }[] {
  const ctes = new Set<string>();
  const tables: { schema: string; table: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n['type'] === 'TABLE_FUNCTION') {
      const name = ((n['function'] as AstNode | undefined)?.['function_name'] as string | undefined) ?? 'a table function';
      throw refuse(`${name}() is not allowed here: query the silver and gold tables`);
    }
    const map = (n['cte_map'] as AstNode | undefined)?.['map'];
    if (Array.isArray(map)) for (const entry of map) ctes.add(String((entry as AstNode)['key']).toLowerCase());
    if (n['type'] === 'BASE_TABLE') {
      tables.push({ schema: String(n['schema_name'] ?? '').toLowerCase(), table: String(n['table_name'] ?? '').toLowerCase() });
      if (n['catalog_name']) throw refuse('other databases are not allowed here');
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(ast);
  return tables.filter((t) => !(t.schema === '' && ctes.has(t.table)));
}

export async function runConsoleQuery(
  db: QuerySource,
  request: { readonly sql: string; readonly limit: number; readonly allowPersonal: boolean; readonly schemas?: readonly string[] },
): Promise<ConsoleResult> {
  const schemas = request.schemas ?? CONSOLE_SCHEMAS;
  const started = performance.now();
  const ast = JSON.parse(await serialisedParse(db, request.sql)) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (ast.error) {
    throw /only select/i.test(ast.error_message ?? '')
      ? refuse('only a single SELECT query is allowed here')
      : new StrataError('STRATA_ERR_BAD_REQUEST', ast.error_message ?? 'the query could not be parsed');
  }
  if (ast.statements?.length !== 1) throw refuse(`expected exactly one statement, got ${ast.statements?.length ?? 0}`);

  const relations = relationsOf(ast.statements);
  if (db.dialect === 'postgres') {
    // PostgreSQL's own functions reach beyond the allowed relations (query_to_xml runs any SQL,
    // pg_read_file reads the server's files): there only an allow-list of functions is run.
    const refused = refusedOnPostgres(functionsOf(ast.statements));
    if (refused) throw refuse(`${refused}() is not allowed here on the PostgreSQL warehouse: use the common SQL functions`);
  }
  const outside = relations.find((r) => !schemas.includes(r.schema));
  if (outside) {
    throw refuse(`${outside.schema ? `${outside.schema}.` : ''}${outside.table} is not allowed here: name tables as ${schemas.map((x) => `${x}.<table>`).join(' or ')}`);
  }
  if (!request.allowPersonal && relations.length) {
    const personal = await db.query<{ relation: string }>(
      `SELECT DISTINCT table_schema || '.' || table_name AS relation FROM information_schema.columns
       WHERE table_schema || '.' || table_name IN (SELECT unnest($relations::VARCHAR[])) AND column_name IN (SELECT unnest($columns::VARCHAR[]))`,
      { relations: relations.map((r) => `${r.schema}.${r.table}`), columns: PERSONAL_COLUMNS },
    );
    if (personal.length) {
      throw new StrataError('STRATA_ERR_FORBIDDEN', `${personal.map((p) => p.relation).join(', ')} hold customer ids, which your role may not query; use the marts or ask an engineer`);
    }
  }

  const body = request.sql.trim().replace(/;\s*$/, '');
  const limit = Math.max(1, Math.min(request.limit, CONSOLE_MAX_ROWS));
  let columns: { column_name: string; column_type: string }[];
  let rows: Record<string, unknown>[];
  try {
    columns = db.describe
      ? (await db.describe(body)).map((c) => ({ column_name: c.name, column_type: c.type }))
      : await db.query(`DESCRIBE (${body})`);
    rows = await db.query(`SELECT * FROM (${body}) AS console_query LIMIT ${limit + 1}`);
  } catch (error) {
    // The analyst's own query failed: the engine's words are what they need to fix it.
    if (error instanceof StrataError && error.code === 'STRATA_ERR_ENGINE') throw new StrataError('STRATA_ERR_BAD_REQUEST', error.message, { cause: error });
    throw error;
  }
  return {
    columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
    rows: rows.slice(0, limit),
    row_count: Math.min(rows.length, limit),
    truncated: rows.length > limit,
    duration_ms: Math.round(performance.now() - started),
  };
}
