/** Each asset's latest state as the event log tells it: last step outcome, materialisation, checks. */
import type { WarehouseSession } from '../../engine/index.js';

export interface AssetStatus {
  readonly outcome: { readonly status: string; readonly at: string; readonly runId: string; readonly detail: string | null } | null;
  readonly materialized: { readonly at: string; readonly rows: number | null; readonly runId: string } | null;
}

export interface CheckStatus {
  readonly passed: boolean;
  readonly failures: number;
  readonly at: string;
}

export interface WarehouseState {
  readonly assets: ReadonlyMap<string, AssetStatus>;
  /** By `asset|check`. */
  readonly checks: ReadonlyMap<string, CheckStatus>;
  /** Column names and types of the relations that exist, by `schema.table`. */
  readonly columns: ReadonlyMap<string, readonly { readonly name: string; readonly type: string }[]>;
}

export async function readWarehouseState(session: WarehouseSession): Promise<WarehouseState> {
  const outcomes = await session.query<{ asset: string; status: string; at: string; run_id: string; detail: string | null }>(
    `SELECT asset, arg_max(status, event_id) AS status, max(occurred_at)::VARCHAR AS at, arg_max(run_id, event_id) AS run_id,
            arg_max(coalesce(error, detail->>'reason'), event_id) AS detail
     FROM meta.events WHERE kind IN ('step_succeeded', 'step_failed', 'step_skipped') AND asset IS NOT NULL GROUP BY asset`,
  );
  const materialized = await session.query<{ asset: string; at: string; rows: number | null; run_id: string }>(
    `SELECT asset, max(occurred_at)::VARCHAR AS at, arg_max(rows_written, event_id)::DOUBLE AS rows, arg_max(run_id, event_id) AS run_id
     FROM meta.events WHERE kind = 'asset_materialized' GROUP BY asset`,
  );
  const checks = await session.query<{ asset: string; name: string; status: string; failures: number; at: string }>(
    `SELECT asset, detail->>'check' AS name, arg_max(status, event_id) AS status, arg_max((detail->>'failures')::INTEGER, event_id) AS failures, max(occurred_at)::VARCHAR AS at
     FROM meta.events WHERE kind = 'check_evaluated' GROUP BY 1, 2`,
  );
  const columns = await session.query<{ relation: string; name: string; type: string }>(
    `SELECT schema_name || '.' || table_name AS relation, column_name AS name, data_type AS type
     FROM duckdb_columns() WHERE schema_name IN ('bronze', 'silver', 'gold') ORDER BY relation, column_index`,
  );
  const assets = new Map<string, AssetStatus>();
  const entry = (asset: string): AssetStatus => assets.get(asset) ?? { outcome: null, materialized: null };
  for (const o of outcomes) assets.set(o.asset, { ...entry(o.asset), outcome: { status: o.status, at: o.at, runId: o.run_id, detail: o.detail } });
  for (const m of materialized) assets.set(m.asset, { ...entry(m.asset), materialized: { at: m.at, rows: m.rows, runId: m.run_id } });
  const byRelation = new Map<string, { name: string; type: string }[]>();
  for (const c of columns) (byRelation.get(c.relation) ?? byRelation.set(c.relation, []).get(c.relation)!).push({ name: c.name, type: c.type });
  return {
    assets,
    checks: new Map(checks.map((c) => [`${c.asset}|${c.name}`, { passed: c.status === 'passed', failures: c.failures, at: c.at }])),
    columns: byRelation,
  };
}

export const EMPTY_STATE: WarehouseState = { assets: new Map(), checks: new Map(), columns: new Map() };
