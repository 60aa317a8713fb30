/**
 * `strata daemon`'s engine: one long-running owner of the warehouse that runs the cron schedules
 * and the landing sensor, one pipeline run at a time (DuckDB has one writer), and tells its
 * caller after each run (the CLI evaluates alerts then, and on its own interval). Everything it
 * does is logged as one JSON line with the run id. `stop()` stops the loops, cancels the current
 * run (steps not started are cancelled; a step in a transaction commits or rolls back whole), and
 * resolves once nothing is running. With a `dispatcher` (STRATA_EXECUTION=queue) the runs are
 * still planned and recorded here, one at a time, but their steps execute on `strata worker`s.
 */
import { statSync } from 'node:fs';
import type { StrataConfig } from '../../config/index.js';
import type { Warehouse } from '../../engine/index.js';
import { describeError } from '../../shared/index.js';
import type { PipelineEventBus } from '../events/index.js';
import { systemClock, type Clock } from '../executor/index.js';
import type { StepDispatcher } from '../queue/index.js';
import { runPipeline, type PipelineResult } from '../run-pipeline.js';
import { runSchedules, type Schedule } from '../schedule/index.js';
import { createLandingSensor } from '../sensor/index.js';

/** The part of a pino logger the daemon uses. */
export interface DaemonLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export type DaemonTrigger = { readonly kind: 'sensor'; readonly files: readonly string[] } | { readonly kind: 'schedule'; readonly schedule: string; readonly job: Schedule['job']; readonly at: string };

export interface DaemonOptions {
  readonly warehouse: Warehouse;
  readonly config: StrataConfig;
  readonly logger: DaemonLogger;
  readonly bus?: PipelineEventBus;
  readonly clock?: Clock;
  /** Queue execution: each run's steps become jobs for `strata worker` processes (see src/pipeline/queue). */
  readonly dispatcher?: StepDispatcher;
  /** Called after every run, whatever its status (the CLI evaluates alerts here). */
  readonly afterRun?: (result: PipelineResult, trigger: DaemonTrigger) => Promise<void>;
}

export interface Daemon {
  /** Resolves when the daemon has stopped (after `stop`). */
  readonly stopped: Promise<void>;
  stop(reason: string): Promise<void>;
  /** Runs queued or running right now (0 or 1 running; the queue is strictly one at a time). */
  readonly busy: boolean;
}

export function startDaemon(options: DaemonOptions): Daemon {
  const { warehouse, config, logger } = options;
  const clock = options.clock ?? systemClock;
  const loops = new AbortController();
  const runs = new AbortController();
  const sensor = createLandingSensor({ dir: config.landingDir, settleMs: config.sensorSettleMs });
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;

  /** One run at a time, in the order asked for; a run never throws out of the queue. */
  const enqueue = (trigger: DaemonTrigger): Promise<PipelineResult | null> => {
    pending += 1;
    const job = queue.then(async () => {
      if (runs.signal.aborted) return null;
      const inputs = trigger.kind === 'sensor' ? trigger.files : [config.landingDir];
      const command = trigger.kind === 'sensor' ? 'sensor' : `schedule:${trigger.schedule}`;
      logger.info({ event: 'run_requested', trigger }, `${command}: starting a run`);
      try {
        const result = await runPipeline(warehouse, config, {
          inputs: trigger.kind === 'schedule' && !existsDir(config.landingDir) ? [] : inputs,
          command,
          forceGold: trigger.kind === 'schedule' && trigger.job === 'full',
          signal: runs.signal,
          ...(options.bus ? { bus: options.bus } : {}),
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        });
        logger[result.status === 'failed' ? 'error' : 'info'](
          {
            event: 'run_finished',
            run_id: result.runId,
            command,
            status: result.status,
            duration_ms: result.durationMs,
            files_loaded: result.files.filter((f) => f.status === 'loaded').length,
            files_skipped: result.files.filter((f) => f.status === 'skipped').length,
            files_failed: result.files.filter((f) => f.status === 'failed').length,
            rows_to_silver: result.totals.rows_to_silver,
            gold: result.gold?.models.map((m) => ({ model: m.name, ms: m.ms, ...(m.partitions ? { partitions: m.partitions } : {}) })) ?? [],
            ...(result.error ? { code: result.error.code, error: describeError(result.error) } : {}),
          },
          `${command}: run ${result.runId} ${result.status}`,
        );
        await options.afterRun?.(result, trigger).catch((error: unknown) => logger.error({ event: 'after_run_failed', run_id: result.runId, error: describeError(error) }, 'after-run work failed'));
        return result;
      } catch (error) {
        logger.error({ event: 'run_failed', command, error: describeError(error) }, `${command}: the run could not start`);
        return null;
      } finally {
        pending -= 1;
      }
    });
    queue = job.catch(() => undefined);
    return job;
  };

  const sensorLoop = async (): Promise<void> => {
    if (config.sensorIntervalMs <= 0) return;
    let waiting: readonly string[] = [];
    let reported: string | null = null;
    while (!loops.signal.aborted) {
      // While a run is going, files keep settling; they are handed over once it is done.
      const ready = sensor.poll(clock.now());
      if (sensor.problem !== reported && sensor.problem) logger.error({ event: 'sensor_failed', error: sensor.problem }, sensor.problem);
      reported = sensor.problem;
      const settling = sensor.settling.filter((f) => !ready.includes(f));
      if (settling.join() !== waiting.join() && settling.length) logger.info({ event: 'sensor_settling', files: settling }, `sensor: ${settling.length} file(s) still settling`);
      waiting = settling;
      if (ready.length) {
        logger.info({ event: 'sensor_files_ready', files: ready }, `sensor: ${ready.length} new file(s) in ${sensor.dir}`);
        const result = await enqueue({ kind: 'sensor', files: ready });
        if (result) sensor.markPicked(ready);
      }
      try {
        await clock.sleep(config.sensorIntervalMs, loops.signal);
      } catch {
        return;
      }
    }
  };

  const scheduleLoop = runSchedules(config.schedules, {
    clock,
    signal: loops.signal,
    onNext: (s, at) => logger.info({ event: 'schedule_next', schedule: s.name, cron: s.cron, timezone: s.timezone, job: s.job, at: at.toISOString() }, `schedule ${s.name}: next at ${at.toISOString()}`),
    fire: async (s, at) => {
      logger.info({ event: 'schedule_fired', schedule: s.name, job: s.job, at: at.toISOString() }, `schedule ${s.name} is due`);
      await enqueue({ kind: 'schedule', schedule: s.name, job: s.job, at: at.toISOString() });
    },
  }).catch((error: unknown) => logger.error({ event: 'schedules_failed', error: describeError(error) }, 'the schedules stopped'));

  const sensing = sensorLoop().catch((error: unknown) => logger.error({ event: 'sensor_failed', error: describeError(error) }, 'the sensor stopped'));
  logger.info(
    { event: 'daemon_started', execution: options.dispatcher ? 'queue' : 'in-process', landing_dir: sensor.dir, sensor_interval_ms: config.sensorIntervalMs, sensor_settle_ms: config.sensorSettleMs, schedules: config.schedules.map((s) => s.name) },
    `daemon: watching ${sensor.dir}, ${config.schedules.length} schedule(s)`,
  );

  let stopping: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  return {
    stopped,
    get busy() {
      return pending > 0;
    },
    stop(reason) {
      stopping ??= (async () => {
        logger.info({ event: 'daemon_stopping', reason, run_in_progress: pending > 0 }, `daemon: stopping (${reason})`);
        loops.abort();
        runs.abort();
        await Promise.all([sensing, scheduleLoop, queue]);
        logger.info({ event: 'daemon_stopped', reason }, 'daemon: stopped');
        resolveStopped();
      })();
      return stopping;
    },
  };
}

function existsDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
