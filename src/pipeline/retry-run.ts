/**
 * `strata runs retry <id>`: asks again what the run was asked (from its run_started event). The
 * planner then does only what is not yet done, so a retry of an interrupted or failed run
 * completes it, and a retry of a finished run changes nothing.
 */
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import type { DateOrder } from '../ingest/index.js';
import { showRun, type PipelineEventBus } from './events/index.js';
import { runPipeline, type PipelineResult } from './run-pipeline.js';

export async function retryRun(warehouse: Warehouse, config: StrataConfig, runId: string, bus?: PipelineEventBus): Promise<PipelineResult> {
  const { request } = await showRun(warehouse, runId);
  return runPipeline(warehouse, config, {
    inputs: request.inputs,
    dateOrder: (request.dateOrder ?? undefined) as DateOrder | undefined,
    command: `${request.command} (retry)`,
    forceGold: request.forceGold,
    ingestOnly: request.ingestOnly,
    checks: request.checks,
    retryOf: runId,
    ...(request.sources?.length ? { sources: request.sources } : {}),
    ...(request.partitions?.length ? { partitions: request.partitions } : {}),
    ...(request.scope ? { scope: request.scope } : {}),
    ...(bus ? { bus } : {}),
  });
}
