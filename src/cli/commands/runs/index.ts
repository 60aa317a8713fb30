import type { Command } from 'commander';
import { listRunHistory, retryRun, showRun, type RunDetail } from '../../../pipeline/index.js';
import { contextOf, withEventBus, withReadOnlyWarehouse, withWarehouse } from '../../context.js';
import { formatNumber, table } from '../../output.js';
import { runAsJson, runAsText } from '../../render-run.js';

function detailAsText(run: RunDetail): string {
  return [
    `run ${run.run_id} (${run.command}${run.retry_of ? `, retry of ${run.retry_of}` : ''}): ${run.status}, started ${run.started_at}${run.duration_ms === null ? '' : `, ${run.duration_ms} ms`}`,
    ...(run.error ? [`error: ${run.error}`] : []),
    table(['step', 'status', 'attempts', 'rows written', 'ms', 'error / reason'], run.steps.map((s) => [s.step_id, s.status, s.attempts, formatNumber(s.rows_written), s.duration_ms, s.error ?? s.reason])),
    ...(run.checks.length
      ? [table(['asset', 'check', 'severity', 'result', 'failing rows'], run.checks.map((c) => [c.asset, c.check, c.severity, c.passed ? 'passed' : 'FAILED', formatNumber(c.failures)]))]
      : []),
  ].join('\n');
}

export function register(program: Command): void {
  const runs = program
    .command('runs')
    .description('run history from the event log; `runs show <id>`, `runs retry <id>`')
    .option('--limit <n>', 'runs to list', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: { limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const list = await withReadOnlyWarehouse(ctx, (w) => listRunHistory(w, options.limit));
      ctx.out.result(list, () =>
        list.length
          ? table(['run', 'command', 'status', 'started', 'ms', 'error'], list.map((r) => [r.run_id, r.command, r.status, r.started_at, r.duration_ms, r.error]))
          : 'no runs yet',
      );
    });

  runs
    .command('show')
    .description('the steps, attempts, rows written and checks of one run')
    .argument('<run-id>')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const run = await withReadOnlyWarehouse(ctx, (w) => showRun(w, runId));
      ctx.out.result(run, () => detailAsText(run));
    });

  runs
    .command('retry')
    .description('run again what a run was asked to do; only what did not complete is redone')
    .argument('<run-id>')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await withEventBus(ctx, (bus) => withWarehouse(ctx, (w) => retryRun(w, ctx.config, runId, bus)));
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
