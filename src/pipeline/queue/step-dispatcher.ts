/**
 * The orchestrator's side of queue execution: a planned step becomes a BullMQ job on its kind's
 * queue, and the run waits for its result (QueueEvents). The run's executor keeps its own retry
 * policy: a step that fails comes back as a failure and the executor enqueues the next attempt;
 * a worker that dies mid-job is BullMQ's business (its lock lapses, the stalled job goes back to
 * the queue for another worker) and does not use up an attempt.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { StrataConfig } from '../../config/index.js';
import { StrataError, describeError } from '../../shared/index.js';
import { QUEUES, bullPrefix, bullQueueName, queueConnection, queueOf, type QueueName } from './queues.js';
import { STEP_JOB_VERSION, decodeError, decodeValue, jobIdOf, stepResultSchema, type StepJob, type StepSuccess } from './step-job.js';
import type { PipelineEvent } from '../events/index.js';

export interface StepDispatcher {
  /** Runs one attempt of a step on some worker; rejects with the step's error. */
  dispatch(job: StepJob, signal: AbortSignal): Promise<StepSuccess>;
  close(): Promise<void>;
}

export async function createQueueDispatcher(config: StrataConfig): Promise<StepDispatcher> {
  const connection = queueConnection(config, 'strata-orchestrator');
  // BullMQ leaves connections it was given open: each is closed here.
  const connections = [connection];
  const prefix = bullPrefix(config);
  const queues = new Map<QueueName, { queue: Queue; events: QueueEvents }>();
  try {
    for (const name of QUEUES) {
      const queue = new Queue(bullQueueName(name), { connection, prefix });
      const eventsConnection = queueConnection(config, `strata-orchestrator-events-${name}`);
      connections.push(eventsConnection);
      const events = new QueueEvents(bullQueueName(name), { connection: eventsConnection, prefix });
      queues.set(name, { queue, events });
      await events.waitUntilReady();
      const limit = config.queueConcurrency[name];
      // Across all workers: BullMQ's global concurrency per queue.
      if (limit) await queue.setGlobalConcurrency(limit);
      else await queue.removeGlobalConcurrency();
    }
  } catch (error) {
    await Promise.allSettled([...queues.values()].flatMap(({ queue, events }) => [queue.close(), events.close()]));
    connections.forEach((c) => c.disconnect());
    throw new StrataError('STRATA_ERR_CONFIG', `the job queues in Redis could not be reached: ${describeError(error)}`, { cause: error });
  }

  return {
    async dispatch(job, signal) {
      const { queue, events } = queues.get(queueOf(job.kind))!;
      const added: Job = await queue.add(job.asset, { version: STEP_JOB_VERSION, ...job }, {
        jobId: jobIdOf(job),
        attempts: 1,
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      });
      const stop = new Promise<never>((_, reject) => {
        const abort = (): void => {
          // A job still waiting is taken back; one already running finishes on its worker.
          void added.remove().catch(() => undefined);
          reject(signal.reason instanceof StrataError ? signal.reason : new StrataError('STRATA_ERR_CANCELLED', 'the run was cancelled'));
        };
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      });
      let returned: unknown;
      try {
        returned = await Promise.race([added.waitUntilFinished(events), stop]);
      } catch (error) {
        if (error instanceof StrataError) throw error;
        // BullMQ failed the job itself: its workers died on it more than STRATA_WORKER_MAX_STALLS times.
        throw new StrataError('STRATA_ERR_WORKER_LOST', `step ${job.stepId} (attempt ${job.attempt}) was lost by its workers: ${describeError(error)}`, { cause: error });
      }
      const parsed = stepResultSchema.safeParse(returned);
      if (!parsed.success) throw new StrataError('STRATA_ERR_INTERNAL', `a worker returned an unreadable result for ${job.stepId}: ${parsed.error.issues[0]?.message ?? ''}`);
      const result = parsed.data;
      if (result.status === 'failed') throw decodeError(result.error);
      return {
        changed: result.changed,
        rows: result.rows,
        worker: result.worker,
        recovered: result.recovered,
        value: decodeValue(result.value),
        events: result.events as unknown as PipelineEvent[],
      };
    },
    async close() {
      await Promise.allSettled([...queues.values()].flatMap(({ queue, events }) => [queue.close(), events.close()]));
      connections.forEach((c) => c.disconnect());
    },
  };
}
