import type { Command } from 'commander';
import { listRuns, runSteps, type RunRow } from '../../../pipeline/index.js';
import { contextOf, withReadOnlyWarehouse } from '../../context.js';
import { formatNumber, table } from '../../output.js';

/** A running run is only as alive as its owner's last heartbeat: say whose it is and when that was. */
const ownerNote = (run: RunRow): string => (run.status === 'running' && run.owner_id ? `, owned by ${run.owner_id} (last heartbeat ${run.heartbeat_at})` : '');

export function register(program: Command): void {
  program
    .command('status')
    .description('the latest runs, the steps of the last one, and what each layer holds')
    .option('--limit <n>', 'runs to show', (v) => Number.parseInt(v, 10), 5)
    .action(async (options: { limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const status = await withReadOnlyWarehouse(ctx, async (w) => {
        const runs = await listRuns(w, options.limit);
        const steps = runs[0] ? await runSteps(w, runs[0].run_id) : [];
        const [layers] = await w.query<Record<string, number>>(
          `SELECT (SELECT count(*) FROM bronze.transactions_raw)::DOUBLE AS bronze_rows,
                  (SELECT count(*) FROM quality.quarantine)::DOUBLE AS quarantine_entries,
                  (SELECT count(*) FROM silver.transactions)::DOUBLE AS silver_rows,
                  (SELECT count(*) FROM bronze.batches)::DOUBLE AS batches,
                  (SELECT count(*) FROM bronze.batches WHERE status = 'loaded')::DOUBLE AS batches_pending`,
        );
        return { latest_run: runs[0] ?? null, steps, runs, layers };
      });
      ctx.out.result(status, () => {
        const run = status.latest_run;
        return [
          run ? `latest run ${run.run_id} (${run.command}): ${run.status}, started ${run.started_at}, ${run.duration_ms ?? '?'} ms${run.error ? `, ${run.error}` : ''}${ownerNote(run)}` : 'no runs yet',
          table(['step', 'status', 'ms', 'rows in', 'rows out', 'error'], status.steps.map((s) => [s['step'], s['status'], s['duration_ms'], formatNumber(s['rows_in']), formatNumber(s['rows_out']), s['error']])),
          table(['run', 'command', 'status', 'started', 'ms', 'owner'], status.runs.map((r) => [r.run_id, r.command, r.status, r.started_at, r.duration_ms, r.status === 'running' ? r.owner_id : null])),
          `layers: ${Object.entries(status.layers ?? {}).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}`,
        ].join('\n');
      });
    });
}
