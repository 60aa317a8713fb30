import path from 'node:path';
import { Option, type Command } from 'commander';
import { backfillByDay, daysBetween, parseDay, runPipeline, withQueuedRun, type StepDispatcher } from '../../../pipeline/index.js';
import type { Warehouse } from '../../../engine/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf, withEventBus, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';

export const dateOrderOption = (): Option =>
  new Option('--date-order <order>', 'how to read dates such as 1/2/11 (default: detected per file)').choices(['iso', 'mdy', 'dmy']);

interface RunOptions { dateOrder?: 'iso' | 'mdy' | 'dmy'; rebuildGold?: boolean; skipChecks?: boolean; partition?: string; from?: string; to?: string; perDay?: boolean; backfillPolicy?: 'single-run' | 'run-per-day' }

function partitionsOf(options: RunOptions): string[] | null {
  if (options.partition && (options.from || options.to)) throw new StrataError('STRATA_ERR_USAGE', 'give either --partition or --from/--to, not both');
  if (Boolean(options.from) !== Boolean(options.to)) throw new StrataError('STRATA_ERR_USAGE', '--from and --to go together');
  if (options.perDay && !options.from) throw new StrataError('STRATA_ERR_USAGE', '--per-day needs --from and --to');
  if (options.partition) return [parseDay(options.partition, '--partition')];
  return options.from ? daysBetween(options.from, options.to!) : null;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('ingest new files, check quality, build silver and gold; prints the row accounting')
    .argument('[paths...]', 'files or folders to ingest (default: <data-dir>/landing)')
    .addOption(dateOrderOption())
    .option('--rebuild-gold', 'rebuild gold even if no new batch arrived')
    .option('--skip-checks', 'build gold without evaluating model checks (for backfills); nothing is blocked by them')
    .option('--partition <day>', 'materialise one day partition (YYYY-MM-DD): that day\'s landing files, then its partitions of the day-partitioned models, then the marts')
    .option('--from <day>', 'first day of a range of partitions (with --to)')
    .option('--to <day>', 'last day of a range of partitions (with --from)')
    .option('--per-day', 'with --from/--to: a backfill, day by day in order (each day\'s files, quality, then its partitions); the models that are not partitioned are built once at the end')
    .addOption(new Option('--backfill-policy <policy>', 'with --per-day: single-run (one run for every day) or run-per-day (one run per day, then one for the rest)').choices(['single-run', 'run-per-day']).default('single-run'))
    .action(async (paths: string[], options: RunOptions, command: Command) => {
      const ctx = contextOf(command);
      const inputs = paths.length ? paths : [path.join(ctx.config.dataDir, 'landing')];
      const partitions = partitionsOf(options);
      const base = { inputs, dateOrder: options.dateOrder, command: 'run', forceGold: Boolean(options.rebuildGold), checks: !options.skipChecks };
      // In-process, or (STRATA_EXECUTION=queue) warehouse steps become jobs for `strata worker` processes.
      const onWarehouse = <T>(work: (warehouse: Warehouse, dispatcher?: StepDispatcher) => Promise<T>): Promise<T> =>
        ctx.config.execution === 'queue'
          ? withQueuedRun(ctx.config, ({ warehouse, dispatcher, interruptedRuns }) => {
              if (interruptedRuns) ctx.out.info(`note: ${interruptedRuns} earlier run(s) had been interrupted; marked as such`);
              return work(warehouse, dispatcher);
            })
          : withWarehouse(ctx, (warehouse) => work(warehouse));
      if (options.perDay) {
        const result = await withEventBus(ctx, (bus) =>
          onWarehouse((warehouse, dispatcher) =>
            backfillByDay(warehouse, ctx.config, {
              ...base, command: 'backfill', bus, from: options.from!, to: options.to!, policy: options.backfillPolicy ?? 'single-run', ...(dispatcher ? { dispatcher } : {}),
              onDay: (d) => ctx.out.info(`${d.day}: run ${d.runId} ${d.status} in ${d.durationMs} ms`),
            }),
          ),
        );
        const failed = result.days.filter((d) => d.status === 'failed');
        ctx.out.result(
          { policy: result.policy, days: result.days, final: result.final ? runAsJson(result.final) : null, duration_ms: result.durationMs },
          () => [`backfill (${result.policy}) of ${result.days.length} day(s) in ${(result.durationMs / 1000).toFixed(2)} s; ${failed.length} failed`, ...(result.final ? [runAsText(result.final)] : [])].join('\n'),
        );
        if (failed.length || !result.final || result.final.status !== 'succeeded') process.exitCode = 1;
        return;
      }
      const result = await withEventBus(ctx, (bus) =>
        onWarehouse((warehouse, dispatcher) => runPipeline(warehouse, ctx.config, { ...base, bus, ...(partitions ? { partitions } : {}), ...(dispatcher ? { dispatcher } : {}) })),
      );
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
