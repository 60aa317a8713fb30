/**
 * The quality_silver asset: quality rules over the pending bronze batches, passing rows into
 * silver, the batches' books closed, and the `rows_written` events (per day of the data, which is
 * what the day partitions downstream rebuild) committed in the same transaction as silver, so the
 * planner's view of "silver changed" can never run ahead of the data.
 */
import type { Warehouse } from '../../engine/index.js';
import { TRANSACTION_RULES, evaluateQuality, loadReferenceData, type QualitySummary } from '../../quality/index.js';
import { QUALITY_SILVER } from '../assets/index.js';
import { appendEvents, type PipelineEvent } from '../events/index.js';
import { buildSilver, type BatchAccount } from './silver-step.js';

export interface QualitySilverOutcome {
  readonly summary: QualitySummary;
  readonly accounts: readonly BatchAccount[];
  /** Already in the log (committed with silver), for the bus. */
  readonly events: readonly PipelineEvent[];
  /** Days of the data that reached silver, in order. */
  readonly days: readonly string[];
}

export async function runQualitySilver(warehouse: Warehouse, runId: string, options: { readonly referenceLoaded?: boolean } = {}): Promise<QualitySilverOutcome> {
  return warehouse.transaction(async (tx) => {
    if (!options.referenceLoaded) await loadReferenceData(tx);
    const summary = await evaluateQuality(tx, runId, TRANSACTION_RULES);
    const accounts = summary.batches > 0 ? await buildSilver(tx) : [];
    const days = accounts.length
      ? await tx.query<{ day: string; rows: number }>(
          `SELECT strftime(invoice_date, '%Y-%m-%d') AS day, count(*)::INTEGER AS rows FROM silver.transactions WHERE list_contains($batches, batch_id) GROUP BY 1 ORDER BY 1`,
          { batches: accounts.map((a) => a.batch_id) },
        )
      : [];
    const events: PipelineEvent[] = accounts.length
      ? [
          ...days.map((d): PipelineEvent => ({ kind: 'rows_written', runId, stepId: QUALITY_SILVER, asset: QUALITY_SILVER, partition: d.day, rows: d.rows })),
          { kind: 'asset_materialized', runId, stepId: QUALITY_SILVER, asset: QUALITY_SILVER, rows: accounts.reduce((s, a) => s + a.rows_to_silver, 0) },
        ]
      : [];
    await appendEvents(tx, events);
    return { summary, accounts, events, days: days.map((d) => d.day) };
  });
}
