import path from 'node:path';
import { Option, type Command } from 'commander';
import { buildAssetGraph, columnLineageAsMermaid, configuredSourceAssets, lineageAsJson, lineageAsMermaid, loadGoldModels, projectColumnLineage } from '../../../pipeline/index.js';
import { modelsDir } from '../../../shared/index.js';
import { contextOf } from '../../context.js';

export function register(program: Command): void {
  program
    .command('lineage')
    .description('the asset graph (sources -> ingest -> quality_silver -> gold models) with column lineage, or the part around one asset')
    .argument('[asset]', 'e.g. gold.fact_sales (default: the whole graph)')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'json']).default('mermaid'))
    .option('--columns', 'with --format mermaid: draw column lineage (which upstream columns each gold column comes from)')
    .action(async (asset: string | undefined, options: { format: 'mermaid' | 'json'; columns?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const models = loadGoldModels(path.join(modelsDir(), 'gold'));
      const graph = buildAssetGraph(models, configuredSourceAssets(ctx.config));
      const focus = asset && !asset.includes('.') && asset !== 'ingest' && asset !== 'quality_silver' ? `gold.${asset}` : asset;
      if (options.format === 'json' || ctx.out.json) {
        process.stdout.write(`${JSON.stringify(lineageAsJson(graph, focus, await projectColumnLineage(models)), null, 2)}\n`);
      } else if (options.columns) {
        if (focus) lineageAsJson(graph, focus); // names an unknown asset
        process.stdout.write(`${columnLineageAsMermaid(await projectColumnLineage(models), focus)}\n`);
      } else {
        process.stdout.write(`${lineageAsMermaid(graph, focus)}\n`);
      }
    });
}
