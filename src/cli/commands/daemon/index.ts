/**
 * `strata daemon`: owns the warehouse and runs, in one process, the cron schedules (STRATA_SCHEDULES),
 * the landing-folder sensor (STRATA_LANDING_DIR) and the alert evaluation loop
 * (STRATA_ALERTS_INTERVAL_MS, and once after every run). Logs are JSON lines on stderr
 * (STRATA_LOG_LEVEL=info to see every run). SIGTERM or SIGINT stops it cleanly: the loops stop,
 * the current run is cancelled between steps, the warehouse is closed, and it exits 0.
 * With STRATA_EXECUTION=queue the runs' steps become jobs for `strata worker` processes, and the
 * daemon uses the warehouse as any queue orchestrator does (withQueuedRun): a DuckDB file is held
 * only for each read or write (run history, alerts, metrics), never while workers need it.
 */
import type { Command } from 'commander';
import { createNotifiers, evaluateAlerts, loadAlertsConfig, startIntervalRunner, type AlertLogger } from '../../../alerts/index.js';
import { createLogger, createStrataMetrics } from '../../../observability/index.js';
import type { Warehouse } from '../../../engine/index.js';
import { eventMirrorFor, openProjectWarehouse, startDaemon, createEventBus, withQueuedRun, type StepDispatcher } from '../../../pipeline/index.js';
import { describeError } from '../../../shared/index.js';
import { contextOf } from '../../context.js';

export function register(program: Command): void {
  program
    .command('daemon')
    .description('run the schedules, the landing-folder sensor and the alert rules in one long-running process (stop with SIGTERM)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const config = ctx.config;
      const logger = createLogger(config.logLevel, { command: 'daemon' });
      const serve = async (warehouse: Warehouse, interruptedRuns: number, dispatcher?: StepDispatcher): Promise<void> => {
        if (interruptedRuns) logger.warn({ event: 'runs_interrupted', runs: interruptedRuns }, `${interruptedRuns} earlier run(s) had been interrupted; marked as such`);
        const bus = createEventBus();
        const mirror = eventMirrorFor(config, bus, (message) => logger.warn({ event: 'nats_mirror' }, message));
        const metrics = createStrataMetrics(warehouse, { defaultMetrics: false });
        bus.onAny((event) => metrics.pipelineEvent(event));

        const alertsConfig = loadAlertsConfig(config);
        const notifiers = createNotifiers(alertsConfig.notifiers);
        const alertLogger = logger.child({ loop: 'alerts' }) as unknown as AlertLogger;
        const evaluate = async (now: Date): Promise<void> => {
          const report = await evaluateAlerts({ config: alertsConfig, db: warehouse, registry: metrics.registry, notifiers, logger: alertLogger }, now);
          logger.info(
            { event: 'alerts_evaluated', evaluation_id: report.evaluationId, rules: report.rules.length, active: report.active.length, changes: report.changes.map((c) => ({ rule: c.rule, change: c.change })), notices: report.notices.length },
            `alerts: ${report.changes.length} change(s), ${report.active.length} pending or firing`,
          );
        };
        const alerts = startIntervalRunner(evaluate, {
          intervalMs: config.alertsIntervalMs,
          immediately: config.alertsIntervalMs > 0,
          onError: (error) => logger.error({ event: 'alerts_failed', code: 'STRATA_ERR_ALERT_RULE', error: describeError(error) }, 'alert evaluation failed'),
        });

        const daemon = startDaemon({
          warehouse,
          config,
          logger,
          bus,
          ...(dispatcher ? { dispatcher } : {}),
          // New data may break a rule (a revenue drop, a row-count drop): evaluate at once.
          afterRun: async () => {
            if (config.alertsIntervalMs > 0) await alerts.runNow().catch(() => undefined);
          },
        });

        let signals = 0;
        const onSignal = (signal: NodeJS.Signals): void => {
          signals += 1;
          if (signals > 1) {
            logger.error({ event: 'daemon_killed', signal }, `second ${signal}: exiting without waiting`);
            process.exit(1);
          }
          void daemon.stop(signal);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);

        await daemon.stopped;
        await alerts.stop();
        for (const n of notifiers) n.close?.();
        await mirror?.close(2000);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      };
      // Runs of another orchestrator that died while this daemon lives (a shared warehouse) are found later.
      const supervision = {
        onInterrupted: (runs: number) => logger.warn({ event: 'runs_interrupted', runs }, `${runs} run(s) of an orchestrator that stopped had been left running; marked interrupted`),
        onError: (error: unknown) => logger.error({ event: 'runs_supervision_failed', error: describeError(error) }, 'looking for interrupted runs failed'),
      };
      if (config.execution === 'queue') {
        await withQueuedRun(config, ({ warehouse, dispatcher, interruptedRuns }) => serve(warehouse, interruptedRuns, dispatcher), supervision);
      } else {
        const { warehouse, interruptedRuns } = await openProjectWarehouse(config, supervision);
        try {
          await serve(warehouse, interruptedRuns);
        } finally {
          await warehouse.close();
        }
      }
      logger.flush?.();
      // Nothing should be left holding the loop open; if something is, it must not keep a stopped daemon alive.
      setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
    });
}
