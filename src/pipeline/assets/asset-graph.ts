/**
 * The asset graph of the pipeline, declared in code: ingest (partitioned by day, one partition
 * per landing file) -> quality_silver -> one asset per gold model, with dependencies read from
 * the models' SQL as before. Model checks come from the models' declarations but are kept apart.
 */
import { StrataError } from '../../shared/index.js';
import { buildOrder, type Model, type ModelCheck } from '../model-graph.js';
import { NO_RETRY, type AssetDef, type AssetGraph, type CheckDef, type RetryPolicy } from './asset-types.js';

export const INGEST = 'ingest';
export const QUALITY_SILVER = 'quality_silver';
export const goldKey = (model: string): string => `gold.${model}`;

/** Reading files can meet a transient error (a file still being copied, a busy disk): retry it. */
const INGEST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000, factor: 2 };
const MINUTE = 60_000;

/** A partitioned model's checks are evaluated over the partitions just built, not the whole table. */
export const PARTITIONS_TOKEN = '/*partitions*/';

function checkDefs(model: Model, check: ModelCheck): CheckDef[] {
  const defs = checkDefsOver(model, check, `gold.${model.name}`);
  if (!model.partitionedBy) return defs;
  const scoped = checkDefsOver(model, check, `(SELECT * FROM gold.${model.name} WHERE ${PARTITIONS_TOKEN})`);
  return defs.map((d, i) => ({ ...d, partitionSql: scoped[i]!.sql }));
}

function checkDefsOver(model: Model, check: ModelCheck, table: string): CheckDef[] {
  const asset = goldKey(model.name);
  const base = { asset, kind: check.kind, severity: check.severity } as const;
  switch (check.kind) {
    case 'not_null':
      return check.columns.map((c) => ({ ...base, name: `not_null(${c})`, sql: `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${c} IS NULL` }));
    case 'unique':
      return [{
        ...base,
        name: `unique(${check.columns.join(', ')})`,
        sql: `SELECT count(*)::INTEGER AS n FROM (SELECT ${check.columns.join(', ')} FROM ${table} GROUP BY ${check.columns.join(', ')} HAVING count(*) > 1) AS duplicated`,
      }];
    case 'relationship':
      return [{
        ...base,
        name: `relationship(${check.column} -> ${check.to}.${check.field})`,
        sql: `SELECT count(*)::INTEGER AS n FROM ${table} a WHERE a.${check.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${check.to} b WHERE b.${check.field} = a.${check.column})`,
      }];
    case 'expression':
      return [{ ...base, name: check.name, sql: `SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${check.violation}` }];
  }
}

/** The assets a model's SQL reads: the gold models it names, and silver (quality_silver's output) when it reads silver. */
function readsOf(m: Model): string[] {
  const gold = [...(m.reads ?? m.dependsOn)].sort().map(goldKey);
  return /\bsilver\./.test(m.sql) || !gold.length ? [QUALITY_SILVER, ...gold] : gold;
}

/**
 * Builds the graph from the gold models (as loaded by loadGoldModels); throws on a cycle.
 * `sources` (external pulls such as HTTP sources) come first, upstream of ingest.
 */
export function buildAssetGraph(models: readonly Model[], sources: readonly AssetDef[] = []): AssetGraph {
  const ordered = buildOrder(models);
  const dayColumn = new Map(models.flatMap((m) => (m.partitionedBy ? [[m.name, m.partitionedBy] as const] : [])));
  // What a partitioned model reads that is split by day: silver (by invoice_date, the day its
  // rows_written events name) and the partitioned models (by their day key).
  const dayInputs = (m: Model): NonNullable<AssetDef['dayInputs']> => [
    ...(/\bsilver\.transactions\b/.test(m.sql) ? [{ relation: 'silver.transactions', column: 'invoice_date', type: 'date' as const }] : []),
    ...(m.reads ?? []).filter((r) => dayColumn.has(r)).map((r) => ({ relation: `gold.${r}`, column: dayColumn.get(r)!, type: 'key' as const })),
  ];
  const assets: AssetDef[] = [
    ...sources,
    {
      key: INGEST,
      kind: 'ingest',
      description: 'Landing files (CSV/Excel) into bronze, one batch per file; a file already loaded is a no-op.',
      deps: sources.map((source) => source.key),
      partitioning: 'day',
      retry: INGEST_RETRY,
      timeoutMs: 30 * MINUTE,
      writes: true,
    },
    {
      key: QUALITY_SILVER,
      kind: 'quality_silver',
      description: 'Quality rules over pending bronze batches; passing rows to silver.transactions, failing rows to quarantine.',
      deps: [INGEST],
      partitioning: 'day',
      retry: NO_RETRY,
      timeoutMs: 30 * MINUTE,
      writes: true,
    },
    ...ordered.map((m): AssetDef => ({
      key: goldKey(m.name),
      kind: 'gold_model',
      description: m.description,
      deps: m.dependsOn.length ? [...m.dependsOn].sort().map(goldKey) : [QUALITY_SILVER],
      partitioning: m.partitionedBy ? 'day' : 'none',
      ...(m.partitionedBy ? { partitionColumn: m.partitionedBy, dayInputs: dayInputs(m) } : {}),
      reads: readsOf(m),
      retry: NO_RETRY,
      timeoutMs: 15 * MINUTE,
      writes: true,
      sql: m.sql,
      materialized: m.materialized,
    })),
  ];
  return { assets, checks: ordered.flatMap((m) => m.checks.flatMap((c) => checkDefs(m, c))) };
}

/** Partitioned assets and everything upstream of them: what a per-day backfill run builds for each day. */
export function partitionedClosure(graph: AssetGraph): ReadonlySet<string> {
  const keep = new Set<string>();
  for (const asset of graph.assets.filter((a) => a.kind === 'gold_model' && a.partitioning === 'day')) {
    for (const up of related(graph, asset.key, 'upstream')) keep.add(up.key);
  }
  return keep;
}

export function assetOf(graph: AssetGraph, key: string): AssetDef {
  const asset = graph.assets.find((a) => a.key === key);
  if (!asset) throw new StrataError('STRATA_ERR_USAGE', `no asset named ${key}; assets: ${graph.assets.map((a) => a.key).join(', ')}`);
  return asset;
}

/** The asset and everything upstream of it, or downstream when `direction` says so, in graph order. */
export function related(graph: AssetGraph, key: string, direction: 'upstream' | 'downstream'): readonly AssetDef[] {
  assetOf(graph, key);
  const keep = new Set([key]);
  const assets = direction === 'upstream' ? [...graph.assets].reverse() : graph.assets;
  for (const asset of assets) {
    if (direction === 'upstream' && keep.has(asset.key)) for (const dep of asset.deps) keep.add(dep);
    if (direction === 'downstream' && asset.deps.some((d) => keep.has(d))) keep.add(asset.key);
  }
  return graph.assets.filter((a) => keep.has(a.key));
}
