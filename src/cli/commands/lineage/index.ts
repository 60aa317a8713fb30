import path from 'node:path';
import { Option, type Command } from 'commander';
import { buildAssetGraph, lineageAsJson, lineageAsMermaid, loadGoldModels } from '../../../pipeline/index.js';
import { modelsDir } from '../../../shared/index.js';
import { contextOf } from '../../context.js';

export function register(program: Command): void {
  program
    .command('lineage')
    .description('the asset graph (ingest -> quality_silver -> gold models), or the part around one asset')
    .argument('[asset]', 'e.g. gold.fact_sales (default: the whole graph)')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'json']).default('mermaid'))
    .action((asset: string | undefined, options: { format: 'mermaid' | 'json' }, command: Command) => {
      const ctx = contextOf(command);
      const graph = buildAssetGraph(loadGoldModels(path.join(modelsDir(), 'gold')));
      const focus = asset && !asset.includes('.') && asset !== 'ingest' && asset !== 'quality_silver' ? `gold.${asset}` : asset;
      if (options.format === 'json' || ctx.out.json) {
        process.stdout.write(`${JSON.stringify(lineageAsJson(graph, focus), null, 2)}\n`);
      } else {
        process.stdout.write(`${lineageAsMermaid(graph, focus)}\n`);
      }
    });
}
