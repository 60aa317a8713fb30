import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EMPTY_STATE, QUALITY_SILVER, buildAssetGraph, configuredSourceAssets, loadGoldModels, projectColumnLineage, readWarehouseState, renderDocsPage } from '../../../pipeline/index.js';
import { modelsDir } from '../../../shared/index.js';
import { contextOf, withReadOnlyWarehouse } from '../../context.js';

export function register(program: Command): void {
  program
    .command('docs')
    .description('write a static HTML page (opens offline) describing every asset: SQL, checks, latest status, columns and lineage, with the graph')
    .option('--out <dir>', 'folder to write index.html into (default <data-dir>/docs)')
    .action(async (options: { out?: string }, command: Command) => {
      const ctx = contextOf(command);
      const models = loadGoldModels(path.join(modelsDir(), 'gold'));
      const graph = buildAssetGraph(models, configuredSourceAssets(ctx.config));
      const hasWarehouse = existsSync(ctx.config.warehousePath);
      const state = hasWarehouse ? await withReadOnlyWarehouse(ctx, readWarehouseState) : EMPTY_STATE;
      const html = renderDocsPage({
        graph,
        columnLineage: await projectColumnLineage(models),
        state,
        warehouse: hasWarehouse ? ctx.config.warehousePath : null,
        generatedAt: new Date(),
        extraSql: { [QUALITY_SILVER]: readFileSync(path.join(modelsDir(), 'silver', 'transactions.sql'), 'utf8') },
      });
      const dir = path.resolve(options.out ?? path.join(ctx.config.dataDir, 'docs'));
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'index.html');
      writeFileSync(file, html, 'utf8');
      ctx.out.result({ file, assets: graph.assets.length, checks: graph.checks.length, bytes: Buffer.byteLength(html) }, () => `wrote ${file} (${graph.assets.length} assets, ${graph.checks.length} checks)`);
    });
}
