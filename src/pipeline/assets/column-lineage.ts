/**
 * Column lineage of the gold models: for each output column, the upstream columns (silver, gold,
 * reference) it is computed from. DuckDB parses each model (`json_serialize_sql`) and this walks
 * the parse tree: CTEs and subqueries are resolved scope by scope, `*` is expanded from the
 * catalog (upstream gold models' own lineage, the DDL for the rest), USING columns come from both
 * sides, set operations merge by position. Filters, join conditions and grouping are not
 * derivations and are left out; window orderings and aggregate FILTERs are (a rank derives from
 * what it ranks). A reference that cannot be resolved is reported, not guessed.
 */
import type { WarehouseSession } from '../../engine/index.js';
import { StrataError } from '../../shared/index.js';

export interface ColumnSource {
  /** `schema.table`, e.g. `silver.transactions` or `gold.fact_sales`. */
  readonly relation: string;
  readonly column: string;
}

export interface ColumnLineage {
  readonly column: string;
  /**
   * `copy`: the value of one upstream column (perhaps cast, perhaps through CTEs); `derived`:
   * computed from its sources (none for e.g. count(*)); `constant`: a literal.
   */
  readonly transform: 'copy' | 'derived' | 'constant';
  readonly sources: readonly ColumnSource[];
}

export interface ModelColumnLineage {
  readonly asset: string;
  readonly columns: readonly ColumnLineage[];
  /** Column references the walk could not place (ambiguous or unknown), for honesty. */
  readonly unresolved: readonly string[];
}

type Node = Record<string, unknown>;
interface OutColumn {
  readonly name: string;
  readonly sources: ReadonlySet<string>;
  readonly transform: ColumnLineage['transform'];
}
interface Relation {
  readonly alias: string;
  readonly columns: readonly OutColumn[];
}
/** Known relations' columns by `schema.table` (base tables) and the CTEs in scope by name. */
interface Scope {
  readonly catalog: ReadonlyMap<string, readonly string[]>;
  readonly ctes: ReadonlyMap<string, readonly OutColumn[]>;
  readonly unresolved: string[];
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const lower = (s: string): string => s.toLowerCase();

function baseRelation(node: Node, scope: Scope): Relation {
  const schema = text(node['schema_name']);
  const table = text(node['table_name']);
  const alias = text(node['alias']) || table;
  if (!schema) {
    const cte = scope.ctes.get(lower(table));
    if (cte) return { alias, columns: cte };
  }
  const key = lower(schema ? `${schema}.${table}` : table);
  const columns = scope.catalog.get(key);
  if (!columns) {
    scope.unresolved.push(`relation ${key}`);
    return { alias, columns: [] };
  }
  return { alias, columns: columns.map((c) => ({ name: c, sources: new Set([`${key}.${c}`]), transform: 'copy' })) };
}

/**
 * The relations a FROM clause brings into scope; USING columns are merged across the join.
 * `lateral`: the relations to the left, which a table function's arguments may read.
 */
function fromRelations(node: unknown, scope: Scope, lateral: readonly Relation[] = []): Relation[] {
  if (!isNode(node)) return [];
  switch (node['type']) {
    case 'BASE_TABLE':
      return [baseRelation(node, scope)];
    case 'SUBQUERY': {
      const inner = isNode(node['subquery']) ? node['subquery']['node'] : undefined;
      return [{ alias: text(node['alias']), columns: queryColumns(inner, scope) }];
    }
    case 'JOIN': {
      const left = fromRelations(node['left'], scope, lateral);
      const right = fromRelations(node['right'], scope, [...lateral, ...left]);
      const using = Array.isArray(node['using_columns']) ? (node['using_columns'] as string[]).map(lower) : [];
      if (!using.length) return [...left, ...right];
      // A USING column is one column fed by both sides.
      const merged: OutColumn[] = using.map((name) => ({
        name,
        transform: 'derived',
        sources: new Set([...left, ...right].flatMap((r) => r.columns.filter((c) => lower(c.name) === name).flatMap((c) => [...c.sources]))),
      }));
      return [{ alias: '', columns: merged }, ...left, ...right];
    }
    case 'TABLE_FUNCTION': {
      // generate_series(first_day, last_day, ...) AS g(day): its named columns come from the
      // arguments, which read the relations to its left. Unnamed, or reading nothing (range(10),
      // read_*): nothing upstream to trace.
      const names = Array.isArray(node['column_name_alias']) ? (node['column_name_alias'] as string[]) : [];
      if (!names.length || !isNode(node['function'])) return [];
      const { sources } = expressionLineage(node['function'], lateral, [], scope);
      return [{ alias: text(node['alias']), columns: names.map((name) => ({ name, sources: new Set(sources), transform: 'derived' as const })) }];
    }
    default:
      return [];
  }
}

function resolveRef(names: readonly string[], relations: readonly Relation[], earlier: readonly OutColumn[], scope: Scope): OutColumn | null {
  const column = lower(names.at(-1)!);
  const qualifier = names.length > 1 ? lower(names.at(-2)!) : null;
  const candidates = qualifier ? relations.filter((r) => lower(r.alias) === qualifier) : relations;
  for (const relation of candidates) {
    const found = relation.columns.find((c) => lower(c.name) === column);
    if (found) return found;
  }
  // DuckDB lets a select item use an alias defined earlier in the same list.
  const alias = qualifier ? undefined : earlier.find((c) => lower(c.name) === column);
  if (alias) return alias;
  scope.unresolved.push(names.join('.'));
  return null;
}

/** The upstream columns an expression reads; `copy` when it is one column, perhaps cast. */
function expressionLineage(expr: Node, relations: readonly Relation[], earlier: readonly OutColumn[], scope: Scope): { sources: Set<string>; transform: OutColumn['transform'] } {
  const sources = new Set<string>();
  let refs = 0;
  let single: OutColumn | null = null;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isNode(value)) return;
    if (value['class'] === 'COLUMN_REF' && Array.isArray(value['column_names'])) {
      refs++;
      const found = resolveRef(value['column_names'] as string[], relations, earlier, scope);
      single = found;
      if (found) for (const s of found.sources) sources.add(s);
      return;
    }
    if (value['class'] === 'SUBQUERY' && isNode(value['subquery'])) {
      // A scalar subquery sees the outer relations too.
      const inner = queryColumns(value['subquery']['node'], scope, relations);
      for (const c of inner) for (const s of c.sources) sources.add(s);
      refs += 2;
      return;
    }
    for (const [key, child] of Object.entries(value)) if (key !== 'query_location') walk(child);
  };
  walk(expr);
  const unwrapped = expr['class'] === 'CAST' && isNode(expr['child']) ? expr['child'] : expr;
  // A copy of a copy is a copy; a copy of something computed is computed.
  if (unwrapped['class'] === 'COLUMN_REF' && refs === 1) return { sources, transform: (single as OutColumn | null)?.transform ?? 'derived' };
  return { sources, transform: unwrapped['class'] === 'CONSTANT' ? 'constant' : 'derived' };
}

function outputName(expr: Node, index: number): string {
  const alias = text(expr['alias']);
  if (alias) return alias;
  if (expr['class'] === 'COLUMN_REF' && Array.isArray(expr['column_names'])) return String((expr['column_names'] as string[]).at(-1));
  return `column${index}`;
}

function withCtes(node: Node, scope: Scope): Scope {
  const map = isNode(node['cte_map']) && Array.isArray(node['cte_map']['map']) ? (node['cte_map']['map'] as Node[]) : [];
  if (!map.length) return scope;
  const ctes = new Map(scope.ctes);
  for (const entry of map) {
    const value = isNode(entry['value']) && isNode(entry['value']['query']) ? entry['value']['query']['node'] : undefined;
    // Each CTE sees the ones before it.
    ctes.set(lower(text(entry['key'])), queryColumns(value, { ...scope, ctes }));
  }
  return { ...scope, ctes };
}

/** The output columns of a query node, with their sources. */
function queryColumns(node: unknown, outer: Scope, outerRelations: readonly Relation[] = []): OutColumn[] {
  if (!isNode(node)) return [];
  const scope = withCtes(node, outer);
  if (node['type'] === 'SET_OPERATION_NODE') {
    const left = queryColumns(node['left'], scope, outerRelations);
    const right = queryColumns(node['right'], scope, outerRelations);
    return left.map((c, i) => {
      const other = right[i];
      const sources = new Set([...c.sources, ...(other?.sources ?? [])]);
      const transform = c.transform === 'constant' && other?.transform === 'constant' ? 'constant' : sources.size === 1 && c.transform === 'copy' && (other?.transform ?? 'copy') !== 'derived' ? 'copy' : 'derived';
      return { name: c.name, sources, transform };
    });
  }
  if (node['type'] !== 'SELECT_NODE') {
    scope.unresolved.push(`query node ${text(node['type'])}`);
    return [];
  }
  const relations = [...fromRelations(node['from_table'], scope), ...outerRelations];
  const out: OutColumn[] = [];
  const items = Array.isArray(node['select_list']) ? (node['select_list'] as Node[]) : [];
  items.forEach((expr, index) => {
    if (expr['class'] === 'STAR') {
      const only = text(expr['relation_name']);
      const excluded = new Set((Array.isArray(expr['exclude_list']) ? (expr['exclude_list'] as unknown[]) : []).map((e) => lower(isNode(e) ? text((e['exclude_column'] as string[] | undefined)?.at(-1)) : String(e))));
      const seen = new Set<string>();
      for (const relation of relations.slice(0, relations.length - outerRelations.length)) {
        if (only && lower(relation.alias) !== lower(only)) continue;
        for (const c of relation.columns) {
          if (seen.has(lower(c.name)) || excluded.has(lower(c.name))) continue;
          seen.add(lower(c.name));
          out.push(c);
        }
      }
      return;
    }
    const { sources, transform } = expressionLineage(expr, relations, out, scope);
    out.push({ name: outputName(expr, index), sources, transform });
  });
  return out;
}

const toSource = (key: string): ColumnSource => {
  const dot = key.lastIndexOf('.');
  return { relation: key.slice(0, dot), column: key.slice(dot + 1) };
};

/**
 * Lineage of every model, in build order (a model's upstream gold models come first). `session`
 * only parses SQL and reads the catalog of the non-gold schemas (the migrated DDL).
 */
export async function columnLineage(
  session: WarehouseSession,
  models: readonly { readonly name: string; readonly sql: string }[],
): Promise<ModelColumnLineage[]> {
  const rows = await session.query<{ relation: string; columns: string[] }>(
    `SELECT lower(schema_name || '.' || table_name) AS relation, list(column_name ORDER BY column_index) AS columns
     FROM duckdb_columns() WHERE schema_name NOT IN ('gold', 'information_schema', 'pg_catalog') AND NOT internal
     GROUP BY 1`,
  );
  const catalog = new Map<string, readonly string[]>(rows.map((r) => [r.relation, r.columns]));
  const result: ModelColumnLineage[] = [];
  for (const model of models) {
    const [parsed] = await session.query<{ ast: string }>('SELECT json_serialize_sql($sql::VARCHAR) AS ast', { sql: model.sql });
    const ast = JSON.parse(parsed?.ast ?? '{}') as Node;
    if (ast['error'] || !Array.isArray(ast['statements']) || ast['statements'].length !== 1) {
      throw new StrataError('STRATA_ERR_MODEL', `gold.${model.name}: the SQL could not be parsed for lineage (${text(ast['error_message']) || 'not one SELECT'})`);
    }
    const scope: Scope = { catalog, ctes: new Map(), unresolved: [] };
    const columns = queryColumns((ast['statements'][0] as Node)['node'], scope);
    catalog.set(`gold.${lower(model.name)}`, columns.map((c) => c.name));
    result.push({
      asset: `gold.${model.name}`,
      columns: columns.map((c) => ({ column: c.name, transform: c.transform, sources: [...c.sources].sort().map(toSource) })),
      unresolved: [...new Set(scope.unresolved)],
    });
  }
  return result;
}
