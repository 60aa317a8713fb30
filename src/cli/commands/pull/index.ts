import type { Command } from 'commander';
import { runPipeline, sourceSettings } from '../../../pipeline/index.js';
import { contextOf, withEventBus, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';

export function register(program: Command): void {
  program
    .command('pull')
    .description('pull transactions from a configured HTTP source (STRATA_HTTP_SOURCES), then quality, silver and gold as `run` does')
    .argument('<source>', 'the source name, a key of httpSources')
    .option('--skip-checks', 'build gold without evaluating model checks')
    .action(async (source: string, options: { skipChecks?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      sourceSettings(ctx.config, source);
      const result = await withEventBus(ctx, (bus) =>
        withWarehouse(ctx, (warehouse) => runPipeline(warehouse, ctx.config, { inputs: [], sources: [source], command: `pull ${source}`, checks: !options.skipChecks, bus })),
      );
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
