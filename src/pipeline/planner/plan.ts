/**
 * The pure planner: asset graph + warehouse state + request -> ordered steps. No I/O, so every
 * case is a row in a table-driven test. An asset is planned when it has work for sure (new
 * inputs, pending batches, missing, stale against an upstream materialisation, forced) or, with
 * `if-upstream-changed`, when something upstream of it is planned and may change its inputs.
 */
import { INGEST, QUALITY_SILVER, partitionedClosure, type AssetGraph } from '../assets/index.js';

export interface PlanState {
  /** Event id of each asset's latest materialisation; absent = never materialised. */
  readonly lastMaterialized: Readonly<Record<string, number>>;
  /** Gold assets whose relation does not exist in the warehouse. */
  readonly missing: readonly string[];
  /** Bronze batches loaded but not yet through quality. */
  readonly pendingBatches: number;
}

export interface PlanRequest {
  /** Landing files or folders; ingest is planned when there are any. */
  readonly inputs: readonly string[];
  /** Stop after ingest (the `ingest` command). */
  readonly ingestOnly?: boolean;
  /** Rebuild these assets (and, as a consequence, consider everything downstream). */
  readonly force?: readonly string[];
  /** false for a backfill: build without evaluating checks. */
  readonly checks?: boolean;
  /** Day partitions (YYYY-MM-DD) to materialise: every partitioned model is planned for them. */
  readonly partitions?: readonly string[];
  /** `partitioned`: plan only the partitioned assets and what they read (one day of a per-day backfill). */
  readonly scope?: 'partitioned';
}

export type PlanReason = 'new inputs' | 'pending batches' | 'missing' | 'stale' | 'forced' | 'upstream planned';

export interface PlannedStep {
  readonly id: string;
  readonly asset: string;
  /** Ids of planned steps this one waits for. */
  readonly deps: readonly string[];
  readonly when: 'always' | 'if-upstream-changed';
  readonly reason: PlanReason;
  /** Names of the checks to evaluate after building. */
  readonly checks: readonly string[];
  /** For partitioned models: the days asked for (the step adds the days its inputs changed). */
  readonly partitions?: readonly string[];
}

export interface Plan {
  readonly steps: readonly PlannedStep[];
  readonly upToDate: readonly string[];
}

function reasonFor(graph: AssetGraph, key: string, state: PlanState, request: PlanRequest): PlanReason | null {
  if (key === INGEST) return request.inputs.length ? 'new inputs' : null;
  if (key === QUALITY_SILVER) return state.pendingBatches > 0 ? 'pending batches' : null;
  if (request.force?.includes(key)) return 'forced';
  if (request.partitions?.length && graph.assets.find((a) => a.key === key)?.partitioning === 'day') return 'forced';
  if (state.missing.includes(key)) return 'missing';
  const own = state.lastMaterialized[key];
  if (own === undefined) return 'stale';
  const deps = graph.assets.find((a) => a.key === key)!.deps;
  return deps.some((d) => (state.lastMaterialized[d] ?? -1) > own) ? 'stale' : null;
}

/** Steps in graph order (dependencies first). */
export function plan(graph: AssetGraph, state: PlanState, request: PlanRequest): Plan {
  const steps: PlannedStep[] = [];
  const upToDate: string[] = [];
  const planned = new Set<string>();
  const inScope = request.scope === 'partitioned' ? partitionedClosure(graph) : null;
  for (const asset of graph.assets) {
    if (request.ingestOnly && asset.key !== INGEST) continue;
    if (inScope && !inScope.has(asset.key)) continue;
    const deps = asset.deps.filter((d) => planned.has(d));
    const reason = reasonFor(graph, asset.key, state, request) ?? (deps.length ? 'upstream planned' : null);
    if (!reason) {
      upToDate.push(asset.key);
      continue;
    }
    planned.add(asset.key);
    steps.push({
      id: asset.key,
      asset: asset.key,
      deps,
      when: reason === 'upstream planned' ? 'if-upstream-changed' : 'always',
      reason,
      checks: request.checks === false ? [] : graph.checks.filter((c) => c.asset === asset.key).map((c) => c.name),
      ...(asset.kind === 'gold_model' && asset.partitioning === 'day' && request.partitions?.length ? { partitions: [...request.partitions] } : {}),
    });
  }
  return { steps, upToDate };
}
