/**
 * Rebuilds every gold model in dependency order inside one transaction, then runs the declared
 * checks. Readers see the previous gold until the commit; a failing `error` check rolls it all back.
 */
import type { Warehouse, WarehouseSession } from '../../engine/index.js';
import { StrataError } from '../../shared/index.js';
import { buildOrder, type Model, type ModelCheck } from '../model-graph.js';

export interface CheckOutcome {
  readonly model: string;
  readonly check: string;
  readonly kind: ModelCheck['kind'];
  readonly severity: 'error' | 'warn';
  readonly failures: number;
  readonly rowsChecked: number;
}

export interface GoldResult {
  readonly models: readonly { readonly name: string; readonly rows: number; readonly ms: number; readonly partitions?: 'all' | readonly string[] }[];
  readonly checks: readonly CheckOutcome[];
}

function checkQueries(model: Model, check: ModelCheck): { name: string; sql: string }[] {
  const table = `gold.${model.name}`;
  switch (check.kind) {
    case 'not_null':
      return check.columns.map((c) => ({ name: `not_null(${c})`, sql: `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${c} IS NULL` }));
    case 'unique':
      return [{
        name: `unique(${check.columns.join(', ')})`,
        sql: `SELECT count(*)::INTEGER AS n FROM (SELECT ${check.columns.join(', ')} FROM ${table} GROUP BY ${check.columns.join(', ')} HAVING count(*) > 1) AS duplicated`,
      }];
    case 'relationship':
      return [{
        name: `relationship(${check.column} -> ${check.to}.${check.field})`,
        sql: `SELECT count(*)::INTEGER AS n FROM ${table} a WHERE a.${check.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${check.to} b WHERE b.${check.field} = a.${check.column})`,
      }];
    case 'expression':
      return [{ name: check.name, sql: `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${check.violation}` }];
  }
}

async function runChecks(tx: WarehouseSession, model: Model, rows: number): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of model.checks) {
    for (const q of checkQueries(model, check)) {
      const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(q.sql);
      outcomes.push({ model: model.name, check: q.name, kind: check.kind, severity: check.severity, failures: n, rowsChecked: rows });
    }
  }
  return outcomes;
}

/** Check results are written outside the build transaction, so failures are kept when it rolls back. */
export async function recordChecks(warehouse: WarehouseSession, runId: string, outcomes: readonly CheckOutcome[]): Promise<void> {
  if (!outcomes.length) return;
  await warehouse.execute(
    `INSERT INTO quality.check_results
     SELECT $run_id, NULL, 'gold.' || m, c, k, s, NULL, r::BIGINT, f::BIGINT, f::BIGINT = 0, 'model check', now()
     FROM (SELECT unnest($models) AS m, unnest($checks) AS c, unnest($kinds) AS k, unnest($severities) AS s,
                  unnest($rows) AS r, unnest($failures) AS f)`,
    {
      run_id: runId,
      models: outcomes.map((o) => o.model),
      checks: outcomes.map((o) => o.check),
      kinds: outcomes.map((o) => o.kind),
      severities: outcomes.map((o) => o.severity),
      rows: outcomes.map((o) => String(o.rowsChecked)),
      failures: outcomes.map((o) => String(o.failures)),
    },
  );
}

export async function buildGold(warehouse: Warehouse, runId: string, models: readonly Model[]): Promise<GoldResult> {
  const built: { name: string; rows: number; ms: number }[] = [];
  const checks: CheckOutcome[] = [];
  try {
    await warehouse.transaction(async (tx) => {
      await buildAll(tx, models, built, checks);
    });
  } finally {
    await recordChecks(warehouse, runId, checks);
  }
  return { models: built, checks };
}

/** CREATE OR REPLACE cannot turn a view into a table or back, so drop a relation of the other kind first. */
export async function replaceRelation(tx: WarehouseSession, model: Pick<Model, 'name' | 'sql' | 'materialized'>): Promise<void> {
  const kind = model.materialized === 'view' ? 'VIEW' : 'TABLE';
  const existing = await tx.query<{ kind: string }>(
    `SELECT 'TABLE' AS kind FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name = $name
     UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = 'gold' AND view_name = $name`,
    { name: model.name },
  );
  for (const other of existing.filter((e) => e.kind !== kind)) await tx.execute(`DROP ${other.kind} gold.${model.name} CASCADE`);
  await tx.execute(`CREATE OR REPLACE ${kind} gold.${model.name} AS ${model.sql}`);
}

async function buildAll(tx: WarehouseSession, models: readonly Model[], built: GoldResult['models'][number][], checks: CheckOutcome[]): Promise<void> {
    for (const model of buildOrder(models)) {
      const started = performance.now();
      try {
        await replaceRelation(tx, model);
      } catch (error) {
        throw new StrataError('STRATA_ERR_MODEL', `model gold.${model.name} failed to build: ${(error as Error).message}`, { cause: error });
      }
      const [{ rows } = { rows: 0 }] = await tx.query<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM gold.${model.name}`);
      const outcomes = await runChecks(tx, model, rows);
      checks.push(...outcomes);
      built.push({ name: model.name, rows, ms: Math.round(performance.now() - started) });
      const failed = outcomes.find((o) => o.severity === 'error' && o.failures > 0);
      if (failed) {
        throw new StrataError('STRATA_ERR_MODEL_CHECK', `gold.${failed.model}: check ${failed.check} failed for ${failed.failures} row(s); gold was left as it was`);
      }
    }
}
