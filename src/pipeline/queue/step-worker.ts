/**
 * `strata worker`: takes step jobs from every queue and runs them against the warehouse. Any
 * number of these run on any machine. A job's lock lives as long as its worker renews it
 * (STRATA_WORKER_LOCK_MS); when a worker dies, another worker's stalled-job check hands the job
 * out again. Redoing is safe: each step commits its data with the event that proves it, and a
 * step found already committed for this run is reported, not run twice.
 */
import os from 'node:os';
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { StrataConfig } from '../../config/index.js';
import { migrate, openWarehouse, type Warehouse } from '../../engine/index.js';
import { describeError, modelsDir } from '../../shared/index.js';
import { QUALITY_SILVER, buildAssetGraph, type AssetGraph } from '../assets/index.js';
import { appendEvents, type PipelineEvent } from '../events/index.js';
import { loadGoldModels } from '../model-graph.js';
import { configuredSourceAssets, httpPipelineSource, sourceResourceName, sourceSettings } from '../http-source/index.js';
import { runPullAsset, runWarehouseAsset, type StepValue } from '../steps/asset-step.js';
import { QUEUES, bullPrefix, bullQueueName, queueConnection, type QueueName } from './queues.js';
import { createRedisSemaphore } from './redis-semaphore.js';
import { STEP_JOB_VERSION, encodeError, encodeValue, stepJobSchema, type StepResult } from './step-job.js';
import { fileWarehouseLease, serverWarehouseLease, serverWarehouseUrl, type WarehouseLease } from './warehouse-lease.js';

export type WorkerEvent =
  | { readonly kind: 'job_started'; readonly worker: string; readonly jobId: string; readonly queue: QueueName; readonly step: string; readonly runId: string; readonly attempt: number; readonly delivery: number }
  | { readonly kind: 'job_finished'; readonly worker: string; readonly jobId: string; readonly step: string; readonly status: 'succeeded' | 'failed'; readonly recovered: boolean; readonly ms: number; readonly error?: string };

export interface WorkerOptions {
  readonly concurrency?: number;
  readonly queues?: readonly QueueName[];
  readonly id?: string;
  readonly onEvent?: (event: WorkerEvent) => void;
  /** Gold models (default: models/gold); must match the orchestrator's. */
  readonly graph?: AssetGraph;
}

export interface RunningWorker {
  readonly id: string;
  /** Stops taking jobs, lets running ones finish, then disconnects. */
  close(): Promise<void>;
}

/** A step that already committed in this run (its worker died before reporting): what it wrote. */
async function committedBefore(warehouse: Warehouse, runId: string, stepId: string): Promise<number | null> {
  const [row] = await warehouse.query<{ rows: number }>(
    `SELECT rows_written::DOUBLE AS rows FROM meta.events WHERE run_id = $run AND step_id = $step AND kind = 'asset_materialized' ORDER BY event_id DESC LIMIT 1`,
    { run: runId, step: stepId },
  );
  return row ? row.rows : null;
}

function recoveredValue(kind: string, name: string, rows: number): StepValue {
  if (kind === 'quality_silver') return { kind: 'quality_silver', summary: { batches: 0, rowsChecked: 0, rowsQuarantined: 0, rowsWarned: 0, ruleFailures: {} }, accounts: [] };
  return { kind: 'gold_model', build: { name: name.replace(/^gold\./, ''), rows, ms: 0, checks: [], events: [] } };
}

export async function startWorker(config: StrataConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  const id = options.id ?? `${os.hostname()}:${process.pid}`;
  const graph = options.graph ?? buildAssetGraph(loadGoldModels(path.join(modelsDir(), 'gold')), configuredSourceAssets(config));
  // Jobs are never cut short here: SIGTERM lets running jobs finish (the grace period covers one).
  const stopping = new AbortController();
  const redis = queueConnection(config, `strata-worker-${id}`);
  const semaphore = createRedisSemaphore(redis, { keyPrefix: config.redisKeyPrefix, leaseMs: config.workerLockMs });
  let lease: WarehouseLease;
  const url = serverWarehouseUrl(config);
  if (url) {
    const opened = await openWarehouse({ path: config.warehousePath, url });
    await migrate(opened);
    lease = serverWarehouseLease(opened, semaphore);
  } else {
    lease = fileWarehouseLease(config, semaphore);
  }

  const processJob = async (job: Job): Promise<StepResult> => {
    const parsed = stepJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a Strata step job (version ${STEP_JOB_VERSION}): ${parsed.error.issues[0]?.message ?? ''}`);
    const data = parsed.data;
    const started = performance.now();
    options.onEvent?.({ kind: 'job_started', worker: id, jobId: String(job.id), queue: queueNameOf(job.queueName), step: data.stepId, runId: data.runId, attempt: data.attempt, delivery: job.attemptsStarted });
    const finish = (result: StepResult): StepResult => {
      options.onEvent?.({
        kind: 'job_finished', worker: id, jobId: String(job.id), step: data.stepId, status: result.status,
        recovered: result.status === 'succeeded' && result.recovered, ms: Math.round(performance.now() - started),
        ...(result.status === 'failed' ? { error: `${result.error.message} [${result.error.code}]` } : {}),
      });
      return result;
    };
    const asset = graph.assets.find((a) => a.key === data.asset);
    if (!asset) return finish({ status: 'failed', worker: id, error: { code: 'STRATA_ERR_USAGE', message: `this worker has no asset ${data.asset}: are its models the orchestrator's?` } });
    if (asset.kind === 'http_source') {
      // An external resource admits STRATA_RESOURCE_LIMITS[resource] (default 1) pulls at once, counted across all workers.
      try {
        const name = asset.key.replace(/^http\./, '');
        const resource = sourceResourceName(sourceSettings(config, name));
        const permit = await semaphore.acquire([{ name: `resource:${resource}`, limit: config.resourceLimits[resource] ?? 1 }], stopping.signal);
        try {
          const logged: PipelineEvent[] = [];
          const source = httpPipelineSource(config, name, data.runId);
          const done = await runPullAsset(source, data.runId, { attempt: data.attempt, signal: stopping.signal }, async (events) => {
            await lease.hold((warehouse) => appendEvents(warehouse, events));
            logged.push(...events);
          });
          const rows = done.value.kind === 'http_source' ? done.value.pull.rows : 0;
          return finish({ status: 'succeeded', changed: done.changed, rows, worker: id, recovered: false, value: encodeValue(done.value), events: logged as unknown as Record<string, unknown>[] });
        } finally {
          await permit.release();
        }
      } catch (error) {
        return finish({ status: 'failed', worker: id, error: encodeError(error) });
      }
    }
    const checks = graph.checks.filter((c) => c.asset === asset.key && data.checks.includes(c.name));
    const extra = Object.entries(config.resourceLimits).filter(([name]) => name === 'warehouse' || name === `queue:${queueNameOf(job.queueName)}`).map(([name, limit]) => ({ name, limit }));
    try {
      return finish(
        await lease.hold(async (warehouse) => {
          if (asset.kind === 'gold_model' || asset.key === QUALITY_SILVER) {
            const rows = await committedBefore(warehouse, data.runId, data.stepId);
            if (rows !== null) return { status: 'succeeded', changed: true, rows, worker: id, recovered: true, value: encodeValue(recoveredValue(asset.kind, asset.key, rows)), events: [] };
          }
          const logged: PipelineEvent[] = [];
          const done = await runWarehouseAsset(warehouse, config, {
            runId: data.runId, asset, checks, inputs: data.inputs, dateOrder: data.dateOrder,
            build: {
              ...(data.build.partitions ? { partitions: data.build.partitions } : {}),
              full: data.build.full,
              ...(data.build.readersPartitionColumn ? { readersPartitionColumn: data.build.readersPartitionColumn } : {}),
            },
          }, async (events) => {
            await appendEvents(warehouse, events);
            logged.push(...events);
          });
          const rows = done.committed.concat(logged).filter((e) => e.kind === 'asset_materialized').reduce((s, e) => s + (e.kind === 'asset_materialized' ? e.rows : 0), 0);
          return { status: 'succeeded', changed: done.changed, rows, worker: id, recovered: false, value: encodeValue(done.value), events: [...logged, ...done.committed] as unknown as Record<string, unknown>[] };
        }, extra),
      );
    } catch (error) {
      // Expected failures (a check, the accounting, a bad file) are the step's outcome, not the job's.
      return finish({ status: 'failed', worker: id, error: encodeError(error) });
    }
  };

  const names = options.queues ?? QUEUES;
  // BullMQ leaves connections it was given open: each is closed on close().
  const connections = names.map((name) => queueConnection(config, `strata-worker-${id}-${name}`));
  const workers = names.map(
    (name, i) =>
      new Worker(bullQueueName(name), processJob, {
        connection: connections[i]!,
        prefix: bullPrefix(config),
        concurrency: options.concurrency ?? config.workerConcurrency,
        lockDuration: config.workerLockMs,
        stalledInterval: Math.max(500, Math.floor(config.workerLockMs / 2)),
        maxStalledCount: config.workerMaxStalls,
        // A finished step is in the warehouse; these only keep the queue's history bounded.
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      }),
  );
  for (const worker of workers) worker.on('error', (error) => options.onEvent?.({ kind: 'job_finished', worker: id, jobId: '-', step: '-', status: 'failed', recovered: false, ms: 0, error: describeError(error) }));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    id,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await lease.close();
      connections.forEach((c) => c.disconnect());
      redis.disconnect();
    },
  };
}

const queueNameOf = (bullName: string): QueueName => bullName.replace(/^strata-/, '') as QueueName;
