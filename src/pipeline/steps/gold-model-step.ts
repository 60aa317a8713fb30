/**
 * Materialises one gold model as its own asset: rebuild, count, evaluate its checks, all in one
 * transaction with the log's `asset_materialized` event, so the table and the claim that it is
 * fresh commit together. A failing `error` check rolls this model back (readers keep the previous
 * version) and fails the step, which blocks only the models downstream of it.
 */
import type { Warehouse, WarehouseSession } from '../../engine/index.js';
import { StrataError } from '../../shared/index.js';
import { PARTITIONS_TOKEN, type AssetDef, type CheckDef } from '../assets/index.js';
import { appendEvents, type PipelineEvent } from '../events/index.js';
import { dayOfKey, partitionFilter, partitionScope, readOnlyDays, sqlHash, type MaterializationDetail, type PartitionScope } from '../partitions/index.js';
import { recordChecks, replaceRelation, type CheckOutcome } from './gold-step.js';

export interface ModelBuildOptions {
  /** Day partitions asked for explicitly (`--partition`, `--from/--to`); partitioned models only. */
  readonly partitions?: readonly string[];
  /** Rebuild a partitioned model whole (`--rebuild-gold`). */
  readonly full?: boolean;
  /**
   * The day column of the partitioned models that read this (non-partitioned) one: the build then
   * records which days it changed (or whether it changed at all), so they rebuild only those.
   */
  readonly readersPartitionColumn?: string;
}

export interface ModelBuild {
  readonly name: string;
  readonly rows: number;
  readonly ms: number;
  readonly checks: readonly CheckOutcome[];
  /** Events already in the log (committed with the model), for the bus. */
  readonly events: readonly PipelineEvent[];
  /** For partitioned models: rebuilt whole, or the days rebuilt. */
  readonly scope?: PartitionScope;
}

export type Filter = ReturnType<typeof partitionFilter>;

/**
 * Every check of a model in one statement (one scalar subquery each), so a model pays one round
 * trip for its checks; with `countOf`, the same statement counts that relation's rows too.
 */
export async function evaluateChecks(tx: WarehouseSession, checks: readonly CheckDef[], rows: number, filter?: Filter, countOf?: string): Promise<CheckOutcome[]> {
  return (await checkAndCount(tx, checks, rows, filter, countOf)).outcomes;
}

async function checkAndCount(tx: WarehouseSession, checks: readonly CheckDef[], rows: number, filter?: Filter, countOf?: string): Promise<{ rows: number; outcomes: CheckOutcome[] }> {
  if (!checks.length && !countOf) return { rows, outcomes: [] };
  const sqls = checks.map((check) => (filter && check.partitionSql ? check.partitionSql.replace(PARTITIONS_TOKEN, filter.sql) : check.sql));
  const columns = [...sqls.map((sql, i) => `(${sql}) AS c${i}`), ...(countOf ? [`(SELECT count(*)::INTEGER FROM ${countOf}) AS total`] : [])];
  const [counts = {}] = await tx.query<Record<string, number>>(`SELECT ${columns.join(', ')}`, filter && checks.some((c) => c.partitionSql) ? filter.params : undefined);
  const total = countOf ? Number(counts['total'] ?? 0) : rows;
  return {
    rows: total,
    outcomes: checks.map((check, i) => ({ model: check.asset.replace(/^gold\./, ''), check: check.name, kind: check.kind, severity: check.severity, failures: Number(counts[`c${i}`] ?? 0), rowsChecked: total })),
  };
}

export const checkEvents = (runId: string, asset: string, outcomes: readonly CheckOutcome[]): PipelineEvent[] =>
  outcomes.map((o) => ({ kind: 'check_evaluated', runId, stepId: asset, asset, check: o.check, severity: o.severity, passed: o.failures === 0, failures: o.failures }));

/** Per-day content hashes of a table that carries the day column (small tables: the dims). */
async function dayHashes(tx: WarehouseSession, name: string, column: string): Promise<Map<number, string>> {
  const rows = await tx.query<{ k: number; h: string }>(`SELECT ${column}::INTEGER AS k, md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) AS h FROM gold.${name} AS t GROUP BY 1`);
  return new Map(rows.map((r) => [r.k, r.h]));
}

/** One hash per row of a table (small tables: the dims read by partitioned models), sorted. */
const rowHashes = async (tx: WarehouseSession, name: string): Promise<string[]> =>
  (await tx.query<{ h: string }>(`SELECT md5(t::VARCHAR) AS h FROM gold.${name} AS t ORDER BY 1`)).map((r) => r.h);

const hasColumn = async (tx: WarehouseSession, name: string, column: string): Promise<boolean> =>
  (await tx.query(`SELECT 1 FROM duckdb_columns() WHERE schema_name = 'gold' AND table_name = $name AND column_name = $column`, { name, column })).length > 0;

const relationExists = async (tx: WarehouseSession, name: string): Promise<boolean> =>
  (await tx.query(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name = $name UNION ALL SELECT 1 FROM duckdb_views() WHERE schema_name = 'gold' AND view_name = $name`, { name })).length > 0;

const buildError = (name: string, error: unknown): StrataError =>
  new StrataError('STRATA_ERR_MODEL', `model gold.${name} failed to build: ${(error as Error).message}`, { cause: error });

interface Built { readonly rows: number; readonly written: readonly PipelineEvent[]; readonly detail: MaterializationDetail; readonly filter?: Filter; readonly scope?: PartitionScope }

/**
 * Writes a partitioned model's partitions in `tx`: the days of `scope` deleted and inserted again
 * from the model's SQL (filtered on the day column, which the engine pushes into its scans), or
 * the table rebuilt whole. Returns the table's rows and one `rows_written` event per day written
 * (empty days too: a day whose rows went away has changed as well), or one for a whole build.
 */
export async function writePartitions(tx: WarehouseSession, runId: string, asset: AssetDef, scope: PartitionScope): Promise<{ rows: number; written: PipelineEvent[]; filter?: Filter }> {
  const name = asset.key.replace(/^gold\./, '');
  const column = asset.partitionColumn!;
  try {
    if (scope.kind === 'full') {
      await replaceRelation(tx, { name, sql: asset.sql!, materialized: 'table' });
    } else if (scope.days.length) {
      const filter = partitionFilter(column, scope.days);
      await tx.execute(`DELETE FROM gold.${name} WHERE ${filter.sql}`, filter.params);
      await tx.execute(`INSERT INTO gold.${name} BY NAME SELECT * FROM (${readOnlyDays(asset.sql!, asset.dayInputs ?? [], scope.days)}) AS model WHERE ${filter.sql}`, filter.params);
    }
  } catch (error) {
    throw buildError(name, error);
  }
  const [{ rows } = { rows: 0 }] = await tx.query<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM gold.${name}`);
  if (scope.kind === 'full') return { rows, written: [{ kind: 'rows_written', runId, stepId: asset.key, asset: asset.key, partition: null, rows }] };
  const filter = partitionFilter(column, scope.days);
  const perDay = new Map(
    scope.days.length
      ? (await tx.query<{ k: number; n: number }>(`SELECT ${column}::INTEGER AS k, count(*)::INTEGER AS n FROM gold.${name} WHERE ${filter.sql} GROUP BY 1`, filter.params)).map((r) => [dayOfKey(r.k), r.n])
      : [],
  );
  return { rows, filter, written: scope.days.map((day): PipelineEvent => ({ kind: 'rows_written', runId, stepId: asset.key, asset: asset.key, partition: day, rows: perDay.get(day) ?? 0 })) };
}

/** A partitioned model: the out-of-date days are deleted and inserted again from the model's SQL, or the table is rebuilt whole. */
async function buildPartitioned(tx: WarehouseSession, runId: string, asset: AssetDef, options: ModelBuildOptions): Promise<Built> {
  const scope: PartitionScope = options.full ? { kind: 'full', reason: 'forced' } : await partitionScope(tx, asset, options.partitions ?? []);
  const sql_md5 = sqlHash(asset.sql!);
  const { rows, written, filter } = await writePartitions(tx, runId, asset, scope);
  if (scope.kind === 'full') return { rows, scope, detail: { sql_md5, full: true }, written };
  return { rows, scope, written, detail: { sql_md5, changed_partitions: scope.days }, ...(filter ? { filter } : {}) };
}

/**
 * A non-partitioned model, replaced whole; with partitioned readers it also records what changed:
 * the days whose rows changed (models carrying the day column), else whether its content changed
 * and whether it only gained rows (every previous row still there, unchanged).
 */
async function buildWhole(tx: WarehouseSession, runId: string, asset: AssetDef, name: string, options: ModelBuildOptions): Promise<Built> {
  const column = options.readersPartitionColumn;
  const existed = column ? await relationExists(tx, name) : false;
  const byDay = column && existed && (await hasColumn(tx, name, column));
  const before = !column || !existed ? null : byDay ? await dayHashes(tx, name, column) : await rowHashes(tx, name);
  try {
    await replaceRelation(tx, { name, sql: asset.sql!, materialized: asset.materialized ?? 'table' });
  } catch (error) {
    throw buildError(name, error);
  }
  // Its rows are counted with its checks, in one statement.
  const rows = -1;
  let detail: MaterializationDetail = {};
  if (column && before instanceof Map && (await hasColumn(tx, name, column))) {
    const now = await dayHashes(tx, name, column);
    const changed = [...new Set([...before.keys(), ...now.keys()])].filter((k) => before.get(k) !== now.get(k)).map(dayOfKey).sort();
    detail = { changed_partitions: changed };
  } else if (column && Array.isArray(before)) {
    const now = await rowHashes(tx, name);
    const changed = now.length !== before.length || now.some((h, i) => h !== before[i]);
    const kept = new Set(now);
    detail = changed && now.length > before.length && before.every((h) => kept.has(h)) ? { content_changed: true, rows_added_only: true } : { content_changed: changed };
  }
  return { rows, detail, written: [{ kind: 'rows_written', runId, stepId: asset.key, asset: asset.key, partition: null, rows }] };
}

/** Onto `onChecks` go the check events of a rolled-back build, which are logged outside it. */
export async function materializeModel(
  warehouse: Warehouse,
  runId: string,
  asset: AssetDef,
  checks: readonly CheckDef[],
  onRolledBackChecks: (events: readonly PipelineEvent[]) => Promise<void>,
  options: ModelBuildOptions = {},
): Promise<ModelBuild> {
  const name = asset.key.replace(/^gold\./, '');
  const started = performance.now();
  let outcomes: CheckOutcome[] = [];
  try {
    return await warehouse.transaction(async (tx) => {
      const built = asset.partitionColumn ? await buildPartitioned(tx, runId, asset, options) : await buildWhole(tx, runId, asset, name, options);
      const checked = await checkAndCount(tx, checks, built.rows, built.filter, built.rows === -1 ? `gold.${name}` : undefined);
      outcomes = checked.outcomes;
      const rows = checked.rows;
      const written = built.written.map((e) => (e.kind === 'rows_written' && e.rows === -1 ? { ...e, rows } : e));
      const failed = outcomes.find((o) => o.severity === 'error' && o.failures > 0);
      if (failed) {
        throw new StrataError('STRATA_ERR_MODEL_CHECK', `gold.${name}: check ${failed.check} failed for ${failed.failures} row(s); gold.${name} was left as it was and the models downstream of it were not built`);
      }
      const events: PipelineEvent[] = [
        ...checkEvents(runId, asset.key, outcomes),
        ...written,
        { kind: 'asset_materialized', runId, stepId: asset.key, asset: asset.key, rows, ...(Object.keys(built.detail).length ? { detail: { ...built.detail } } : {}) },
      ];
      await recordChecks(tx, runId, outcomes);
      await appendEvents(tx, events);
      return { name, rows, ms: Math.round(performance.now() - started), checks: outcomes, events, ...(built.scope ? { scope: built.scope } : {}) };
    });
  } catch (error) {
    // The build rolled back; the check results that condemned it are kept.
    if (outcomes.length) {
      await recordChecks(warehouse, runId, outcomes);
      await onRolledBackChecks(checkEvents(runId, asset.key, outcomes));
    }
    throw error;
  }
}
