/**
 * Gold models are SQL files in models/gold with a sibling .yml (description, key, checks).
 * Dependencies are read from the SQL (`gold.<name>` references), so they cannot drift from it.
 * Planning the build order is pure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { assertSafeIdent } from '../engine/index.js';
import { StrataError } from '../shared/index.js';

const ident = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain SQL identifier');
const severity = z.enum(['error', 'warn']).default('error');
const checkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('not_null'), columns: z.array(ident).min(1), severity }).strict(),
  z.object({ kind: z.literal('unique'), columns: z.array(ident).min(1), severity }).strict(),
  z.object({ kind: z.literal('relationship'), column: ident, to: z.string().regex(/^[a-z_]+\.[a-z_][a-z0-9_]*$/), field: ident, severity }).strict(),
  z.object({ kind: z.literal('expression'), name: ident, violation: z.string().min(1), severity }).strict(),
]);
const declarationSchema = z
  .object({
    description: z.string().min(1),
    /** view: computed when read (cheap models over silver); table: stored (aggregates). */
    materialized: z.enum(['table', 'view']).default('table'),
    key: z.array(ident).min(1),
    /** The column holding the day (YYYYMMDD integer, like date_key): the model is then materialised per day partition. */
    partitioned_by: ident.optional(),
    checks: z.array(checkSchema).default([]),
  })
  .strict()
  .refine((d) => !d.partitioned_by || d.materialized === 'table', { message: 'partitioned_by needs materialized: table', path: ['partitioned_by'] });

export type ModelCheck = z.infer<typeof checkSchema>;

export interface Model {
  readonly name: string;
  readonly layer: 'gold';
  readonly sql: string;
  readonly description: string;
  readonly materialized: 'table' | 'view';
  readonly key: readonly string[];
  readonly checks: readonly ModelCheck[];
  readonly dependsOn: readonly string[];
  /** Models its SQL reads (dependsOn adds the checks' relationship targets): what its rows are computed from. */
  readonly reads?: readonly string[];
  /** Set for a model materialised per day partition: the column holding the day key. */
  readonly partitionedBy?: string;
}

export function loadGoldModels(dir: string): readonly Model[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const names = new Set(files.map((f) => f.slice(0, -4)));
  return files.map((file) => {
    const name = assertSafeIdent(file.slice(0, -4));
    const sql = readFileSync(path.join(dir, file), 'utf8');
    let declaration;
    try {
      declaration = declarationSchema.parse(parseYaml(readFileSync(path.join(dir, `${name}.yml`), 'utf8')));
    } catch (error) {
      throw new StrataError('STRATA_ERR_MODEL', `model ${name}: its declaration ${name}.yml is missing or invalid: ${(error as Error).message}`, {
        cause: error,
        location: { file: path.join(dir, `${name}.yml`) },
      });
    }
    // Checks read other models too (relationships), so they count as dependencies.
    const checkRefs = declaration.checks.flatMap((c) => (c.kind === 'relationship' && c.to.startsWith('gold.') ? [c.to.slice(5)] : []));
    const sqlRefs = [...sql.matchAll(/\bgold\.([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!);
    const dependsOn = [...new Set([...sqlRefs, ...checkRefs])].filter((ref) => ref !== name);
    const unknown = dependsOn.filter((ref) => !names.has(ref));
    if (unknown.length) throw new StrataError('STRATA_ERR_MODEL', `model ${name} reads unknown model(s) ${unknown.join(', ')}`);
    const { partitioned_by: partitionedBy, ...rest } = declaration;
    const reads = [...new Set(sqlRefs)].filter((ref) => ref !== name).sort();
    return { name, layer: 'gold' as const, sql, ...rest, dependsOn, reads, ...(partitionedBy ? { partitionedBy } : {}) };
  });
}

/** Topological order (dependencies first, ties by name); a cycle is an error naming it. */
export function buildOrder(models: readonly Model[]): readonly Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting: string[] = [];
  const order: Model[] = [];
  const visit = (model: Model): void => {
    if (done.has(model.name)) return;
    if (visiting.includes(model.name)) {
      throw new StrataError('STRATA_ERR_MODEL', `models depend on each other in a cycle: ${[...visiting, model.name].join(' -> ')}`);
    }
    visiting.push(model.name);
    for (const dep of [...model.dependsOn].sort()) visit(byName.get(dep)!);
    visiting.pop();
    done.add(model.name);
    order.push(model);
  };
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(model);
  return order;
}
