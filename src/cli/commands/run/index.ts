import path from 'node:path';
import { Option, type Command } from 'commander';
import { runPipeline } from '../../../pipeline/index.js';
import { contextOf, withEventBus, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';

export const dateOrderOption = (): Option =>
  new Option('--date-order <order>', 'how to read dates such as 1/2/11 (default: detected per file)').choices(['iso', 'mdy', 'dmy']);

export function register(program: Command): void {
  program
    .command('run')
    .description('ingest new files, check quality, build silver and gold; prints the row accounting')
    .argument('[paths...]', 'files or folders to ingest (default: <data-dir>/landing)')
    .addOption(dateOrderOption())
    .option('--rebuild-gold', 'rebuild gold even if no new batch arrived')
    .option('--skip-checks', 'build gold without evaluating model checks (for backfills); nothing is blocked by them')
    .action(async (paths: string[], options: { dateOrder?: 'iso' | 'mdy' | 'dmy'; rebuildGold?: boolean; skipChecks?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const inputs = paths.length ? paths : [path.join(ctx.config.dataDir, 'landing')];
      const result = await withEventBus(ctx, (bus) =>
        withWarehouse(ctx, (warehouse) =>
          runPipeline(warehouse, ctx.config, { inputs, dateOrder: options.dateOrder, command: 'run', forceGold: Boolean(options.rebuildGold), checks: !options.skipChecks, bus }),
        ),
      );
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
