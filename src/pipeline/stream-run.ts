/**
 * `strata stream consume` as a pipeline run: the stream consumer commits micro-batches to bronze,
 * and this file runs the same quality + silver step as `strata run` over whatever batches are
 * pending (no files are read), with the same per-batch accounting. Gold is left to `strata run`.
 */
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { describeError } from '../shared/index.js';
import { consumeStream, type ConsumeOptions, type ConsumeReport, type StreamSettings } from '../stream/index.js';
import { finishRun, recordStep, startRun } from './run-store.js';
import { runQualitySilver } from './steps/quality-silver-step.js';
import type { BatchAccount } from './steps/silver-step.js';

/** Quality and silver for every batch in bronze with status `loaded`, in one transaction, recorded as a step of `runId`. */
export async function processPendingBatches(warehouse: Warehouse, runId: string): Promise<readonly BatchAccount[]> {
  const startedAt = new Date();
  try {
    // The same step as a run's: its rows_written events (per day of the data) commit with silver,
    // so the next `strata run` rebuilds the gold days the stream filled even when the day's file
    // then adds nothing new to silver (its rows are duplicates of the events).
    const { accounts } = await runQualitySilver(warehouse, runId);
    const rowsIn = accounts.reduce((s, a) => s + a.rows_in, 0);
    const rowsOut = accounts.reduce((s, a) => s + a.rows_to_silver, 0);
    await recordStep(warehouse, runId, { step: 'quality_silver', status: 'succeeded', startedAt, finishedAt: new Date(), rowsIn, rowsOut, detail: { batches: accounts.length } });
    return accounts;
  } catch (error) {
    await recordStep(warehouse, runId, { step: 'quality_silver', status: 'failed', startedAt, finishedAt: new Date(), error: describeError(error) });
    throw error;
  }
}

export interface StreamRunResult {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed';
  readonly consumer: ConsumeReport | null;
  readonly batches: readonly BatchAccount[];
  readonly error: string | null;
}

export async function runStreamConsumer(
  warehouse: Warehouse,
  config: StrataConfig,
  settings: StreamSettings,
  options: Pick<ConsumeOptions, 'signal' | 'idleExitMs' | 'processEveryMs' | 'onBatch' | 'metrics' | 'onRetry'>,
): Promise<StreamRunResult> {
  const runId = await startRun(warehouse, 'stream consume', { expiryMs: config.runHeartbeatExpiryMs });
  const batches: BatchAccount[] = [];
  let consumer: ConsumeReport | null = null;
  let error: string | null = null;
  try {
    // Batches an earlier consumer committed but did not get to process are picked up first.
    batches.push(...(await processPendingBatches(warehouse, runId)));
    consumer = await consumeStream(warehouse, settings, {
      ...options,
      runId,
      defaultDateOrder: config.defaultDateOrder,
      processPending: async () => {
        batches.push(...(await processPendingBatches(warehouse, runId)));
      },
    });
  } catch (caught) {
    error = describeError(caught);
  }
  const status = error ? 'failed' : 'succeeded';
  const totals = {
    rows_in: batches.reduce((s, a) => s + a.rows_in, 0),
    rows_to_silver: batches.reduce((s, a) => s + a.rows_to_silver, 0),
    rows_quarantined: batches.reduce((s, a) => s + a.rows_quarantined, 0),
    duplicates_removed: batches.reduce((s, a) => s + a.duplicates_removed, 0),
  };
  await finishRun(warehouse, runId, status, { totals, batches: batches.length, consumer }, error ?? undefined);
  return { runId, status, consumer, batches, error };
}
