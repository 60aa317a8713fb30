/**
 * The server owns the warehouse, so every write that moves data (ingest, erasure, demo load)
 * goes through here: one at a time, and each completed run tells the listeners (the cache, the
 * readiness check, the metrics). With queue execution a run's steps run on `strata worker`s,
 * and the listeners still hear of it here once it has finished.
 */
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import type { QueueExecution } from './queued-runs.js';
import { createEventBus, runPipeline, type PipelineEventBus, type PipelineOptions, type PipelineResult } from '../pipeline/index.js';

export interface PipelineRunner {
  /** Runs the pipeline on `inputs` after any run in progress. */
  run(options: PipelineOptions): Promise<PipelineResult>;
  /** Runs other exclusive writer work (e.g. erasure) in the same queue. */
  exclusive<T>(work: (writer: Warehouse) => Promise<T>): Promise<T>;
  /** Called after each run; `run()` resolves only once every listener has (e.g. the cache is invalidated everywhere). */
  onCompleted(listener: (result: PipelineResult) => void | Promise<void>): void;
  /** Every run's events as they happen (e.g. invalidate cached answers when a gold asset is materialised). */
  readonly events: PipelineEventBus;
  readonly busy: boolean;
  readonly lastResult: PipelineResult | null;
}

export function createPipelineRunner(writer: Warehouse, config: StrataConfig, queue?: QueueExecution): PipelineRunner {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let lastResult: PipelineResult | null = null;
  const listeners: ((result: PipelineResult) => void | Promise<void>)[] = [];
  const events = createEventBus();

  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    pending++;
    const next = tail.then(work, work).finally(() => pending--);
    tail = next.catch(() => undefined);
    return next;
  };

  const runner: PipelineRunner = {
    run: (options) =>
      enqueue(async () => {
        const bus = options.bus ?? events;
        const result = queue
          ? await queue.duringRun((warehouse) => runPipeline(warehouse, config, { ...options, bus, dispatcher: queue.dispatcher }))
          : await runPipeline(writer, config, { ...options, bus });
        lastResult = result;
        for (const listener of listeners) await listener(result);
        return result;
      }),
    exclusive: (work) => enqueue(() => work(writer)),
    onCompleted: (listener) => void listeners.push(listener),
    events,
    get busy() {
      return pending > 0;
    },
    get lastResult() {
      return lastResult;
    },
  };
  return runner;
}
