import path from 'node:path';
import type { Command } from 'commander';
import { runPipeline } from '../../../pipeline/index.js';
import { projectRoot } from '../../../shared/index.js';
import { contextOf, withWarehouse } from '../../context.js';
import { runAsJson, runAsText } from '../../render-run.js';

/** The shipped copy of the UCI Online Retail data (CC BY 4.0), one gzipped CSV per trading day. */
export const demoDataDir = (): string => path.join(projectRoot(), 'demo', 'online-retail');

export function register(program: Command): void {
  program
    .command('demo')
    .description('load the bundled real Online Retail data (541,909 rows) through the whole pipeline')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      ctx.out.info(`loading the demo data from ${path.relative(process.cwd(), demoDataDir()) || demoDataDir()} into ${ctx.config.warehousePath} ...`);
      const result = await withWarehouse(ctx, (warehouse) => runPipeline(warehouse, ctx.config, { inputs: [demoDataDir()], command: 'demo' }));
      ctx.out.result(runAsJson(result), () => runAsText(result));
      ctx.out.info('try: npx strata status | npx strata quality | npx strata query "SELECT * FROM gold.mart_country_sales LIMIT 10"');
      if (result.status !== 'succeeded') process.exitCode = 1;
    });
}
