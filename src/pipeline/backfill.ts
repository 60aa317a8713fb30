/**
 * A per-day backfill, as a scheduler of partitions does it: one run per day of the range (that
 * day's landing files, then the partitioned models for that day and what they read), and then one
 * run for the models that are not partitioned, so the marts are built once, not once per day.
 * Every run is a run of its own in the event log, so a failed day can be retried on its own.
 */
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { daysBetween } from './partitions/index.js';
import { runPipeline, type PipelineOptions, type PipelineResult } from './run-pipeline.js';

export interface BackfillResult {
  readonly days: readonly { readonly day: string; readonly runId: string; readonly status: PipelineResult['status']; readonly durationMs: number }[];
  /** The run that built the non-partitioned models at the end (absent when a day failed). */
  readonly final: PipelineResult | null;
  readonly durationMs: number;
}

export async function backfillByDay(
  warehouse: Warehouse,
  config: StrataConfig,
  options: Omit<PipelineOptions, 'partitions' | 'scope'> & { readonly from: string; readonly to: string; readonly onDay?: (result: PipelineResult, day: string) => void },
): Promise<BackfillResult> {
  const started = performance.now();
  const days: { day: string; runId: string; status: PipelineResult['status']; durationMs: number }[] = [];
  const { from, to, onDay, ...base } = options;
  for (const day of daysBetween(from, to)) {
    if (options.signal?.aborted) break;
    const result = await runPipeline(warehouse, config, { ...base, command: base.command ?? 'backfill', partitions: [day], scope: 'partitioned' });
    days.push({ day, runId: result.runId, status: result.status, durationMs: result.durationMs });
    onDay?.(result, day);
    if (result.status === 'failed') return { days, final: null, durationMs: Math.round(performance.now() - started) };
  }
  const final = options.signal?.aborted ? null : await runPipeline(warehouse, config, { ...base, inputs: [], command: base.command ?? 'backfill' });
  return { days, final, durationMs: Math.round(performance.now() - started) };
}
