/**
 * `strata alerts evaluate` (one evaluation of the rules, notices sent, state stored: for cron or
 * a daemon job) and `strata alerts list` (what is pending or firing, and the history).
 */
import type { Command } from 'commander';
import { createNotifiers, evaluateAlerts, listAlertEvents, loadAlertsConfig, loadStates, type AlertLogger, type EvaluationReport } from '../../../alerts/index.js';
import { createLogger, createStrataMetrics } from '../../../observability/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf, withReadOnlyWarehouse, withWarehouse } from '../../context.js';
import { table } from '../../output.js';

const labelsText = (labels: Readonly<Record<string, string>>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');

function reportText(report: EvaluationReport): string {
  const failed = report.rules.filter((r) => r.error);
  return [
    `evaluation ${report.evaluationId} at ${report.at}: ${report.rules.length} rules, ${report.active.length} alert(s) pending or firing`,
    ...(report.changes.length ? [table(['rule', 'labels', 'change', 'summary'], report.changes.map((c) => [c.rule, labelsText(c.labels), c.change, c.summary]))] : ['no changes']),
    ...report.notices.map((n) => `notice ${n.status} (${n.alerts} alert(s)) ${n.key}: delivered to ${n.delivered.join(', ') || 'none'}${n.failed.length ? `; failed: ${n.failed.map((f) => f.error).join('; ')}` : ''}`),
    ...failed.map((r) => `rule ${r.rule} could not be evaluated: ${r.error}`),
  ].join('\n');
}

export function register(program: Command): void {
  const alerts = program.command('alerts').description('alert rules: `alerts evaluate` runs them once, `alerts list` shows alerts and history');

  alerts
    .command('evaluate')
    .description('evaluate every rule once, send the notices due, store state and history')
    .option('--at <iso-time>', 'evaluate as of this time (default now)')
    .action(async (options: { at?: string }, command: Command) => {
      const ctx = contextOf(command);
      const now = options.at ? new Date(options.at) : new Date();
      if (Number.isNaN(now.getTime())) throw new StrataError('STRATA_ERR_USAGE', `--at ${options.at}: not a date and time`);
      const config = loadAlertsConfig(ctx.config);
      const notifiers = createNotifiers(config.notifiers);
      const logger = createLogger(ctx.config.logLevel, { command: 'alerts evaluate' }) as unknown as AlertLogger;
      try {
        const report = await withWarehouse(ctx, (warehouse) =>
          // Metric rules see the warehouse's gauges (the HTTP figures live in the server's process).
          evaluateAlerts({ config, db: warehouse, registry: createStrataMetrics(warehouse, { defaultMetrics: false }).registry, notifiers, logger }, now),
        );
        ctx.out.result(report, () => reportText(report));
        if (report.rules.some((r) => r.error) || report.notices.some((n) => n.failed.length && !n.delivered.length)) process.exitCode = 1;
      } finally {
        for (const n of notifiers) n.close?.();
      }
    });

  alerts
    .command('list')
    .description('alerts pending or firing, then the latest history')
    .option('--limit <n>', 'history entries', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: { limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const data = await withReadOnlyWarehouse(ctx, async (warehouse) => {
        const exists = await warehouse.query(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'meta' AND table_name = 'alert_state'`);
        if (!exists.length) return { active: [], history: [] };
        const states = [...(await loadStates(warehouse)).values()].filter((s) => s.status === 'pending' || s.status === 'firing');
        return { active: states, history: await listAlertEvents(warehouse, { limit: options.limit }) };
      });
      ctx.out.result(data, () =>
        [
          data.active.length ? table(['rule', 'severity', 'labels', 'status', 'since', 'summary'], data.active.map((s) => [s.rule, s.severity, labelsText(s.labels), s.status, s.activeSince ? new Date(s.activeSince).toISOString() : '', s.summary])) : 'no alerts pending or firing',
          data.history.length ? table(['at', 'rule', 'event', 'summary'], data.history.map((e) => [e.occurred_at, e.rule, e.kind, e.summary])) : 'no alert history yet',
        ].join('\n'),
      );
    });
}
