import type { Command } from 'commander';
import { runPipeline } from '../../../pipeline/index.js';
import { contextOf, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';
import { dateOrderOption } from '../run/index.js';

export function register(program: Command): void {
  program
    .command('ingest')
    .description('load CSV/Excel files or folders into bronze, one batch per file (`strata run` processes them further)')
    .argument('<paths...>', 'files or folders')
    .addOption(dateOrderOption())
    .action(async (paths: string[], options: { dateOrder?: 'iso' | 'mdy' | 'dmy' }, command: Command) => {
      const ctx = contextOf(command);
      const result = await withWarehouse(ctx, (warehouse) =>
        runPipeline(warehouse, ctx.config, { inputs: paths, dateOrder: options.dateOrder, command: 'ingest', ingestOnly: true }),
      );
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
