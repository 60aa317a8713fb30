/**
 * Materialises one gold model as its own asset: rebuild, count, evaluate its checks, all in one
 * transaction with the log's `asset_materialized` event, so the table and the claim that it is
 * fresh commit together. A failing `error` check rolls this model back (readers keep the previous
 * version) and fails the step, which blocks only the models downstream of it.
 */
import type { Warehouse, WarehouseSession } from '../../engine/index.js';
import { StrataError } from '../../shared/index.js';
import type { AssetDef, CheckDef } from '../assets/index.js';
import { appendEvents, type PipelineEvent } from '../events/index.js';
import { recordChecks, replaceRelation, type CheckOutcome } from './gold-step.js';

export interface ModelBuild {
  readonly name: string;
  readonly rows: number;
  readonly ms: number;
  readonly checks: readonly CheckOutcome[];
  /** Events already in the log (committed with the model), for the bus. */
  readonly events: readonly PipelineEvent[];
}

async function evaluate(tx: WarehouseSession, checks: readonly CheckDef[], rows: number): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(check.sql);
    outcomes.push({ model: check.asset.replace(/^gold\./, ''), check: check.name, kind: check.kind, severity: check.severity, failures: n, rowsChecked: rows });
  }
  return outcomes;
}

const checkEvents = (runId: string, asset: string, outcomes: readonly CheckOutcome[]): PipelineEvent[] =>
  outcomes.map((o) => ({ kind: 'check_evaluated', runId, stepId: asset, asset, check: o.check, severity: o.severity, passed: o.failures === 0, failures: o.failures }));

/** Onto `onChecks` go the check events of a rolled-back build, which are logged outside it. */
export async function materializeModel(
  warehouse: Warehouse,
  runId: string,
  asset: AssetDef,
  checks: readonly CheckDef[],
  onRolledBackChecks: (events: readonly PipelineEvent[]) => Promise<void>,
): Promise<ModelBuild> {
  const name = asset.key.replace(/^gold\./, '');
  const started = performance.now();
  let outcomes: CheckOutcome[] = [];
  try {
    return await warehouse.transaction(async (tx) => {
      try {
        await replaceRelation(tx, { name, sql: asset.sql!, materialized: asset.materialized ?? 'table' });
      } catch (error) {
        throw new StrataError('STRATA_ERR_MODEL', `model gold.${name} failed to build: ${(error as Error).message}`, { cause: error });
      }
      const [{ rows } = { rows: 0 }] = await tx.query<{ rows: number }>(`SELECT count(*)::INTEGER AS rows FROM gold.${name}`);
      outcomes = await evaluate(tx, checks, rows);
      const failed = outcomes.find((o) => o.severity === 'error' && o.failures > 0);
      if (failed) {
        throw new StrataError('STRATA_ERR_MODEL_CHECK', `gold.${name}: check ${failed.check} failed for ${failed.failures} row(s); gold.${name} was left as it was and the models downstream of it were not built`);
      }
      const events: PipelineEvent[] = [
        ...checkEvents(runId, asset.key, outcomes),
        { kind: 'rows_written', runId, stepId: asset.key, asset: asset.key, partition: null, rows },
        { kind: 'asset_materialized', runId, stepId: asset.key, asset: asset.key, rows },
      ];
      await recordChecks(tx, runId, outcomes);
      await appendEvents(tx, events);
      return { name, rows, ms: Math.round(performance.now() - started), checks: outcomes, events };
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
