import type { Command } from 'commander';
import { runPipeline, sourceSettings, withQueuedRun } from '../../../pipeline/index.js';
import { contextOf, withEventBus, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';

export function register(program: Command): void {
  program
    .command('pull')
    .description('pull transactions from configured HTTP sources (STRATA_HTTP_SOURCES), then quality, silver and gold as `run` does')
    .argument('<sources...>', 'source names, keys of httpSources')
    .option('--skip-checks', 'build gold without evaluating model checks')
    .action(async (sources: string[], options: { skipChecks?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      for (const source of sources) sourceSettings(ctx.config, source);
      const request = { inputs: [], sources, command: `pull ${sources.join(' ')}`, checks: !options.skipChecks };
      const result = await withEventBus(ctx, (bus) =>
        ctx.config.execution === 'queue'
          ? withQueuedRun(ctx.config, ({ warehouse, dispatcher }) => runPipeline(warehouse, ctx.config, { ...request, bus, dispatcher }))
          : withWarehouse(ctx, (warehouse) => runPipeline(warehouse, ctx.config, { ...request, bus })),
      );
      ctx.out.result(runAsJson(result), () => runAsText(result));
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
