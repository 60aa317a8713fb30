/**
 * The same inputs through the whole pipeline on DuckDB (a file under `dir`) and on PostgreSQL (the
 * test database `url`), one engine after the other, as the cross-engine tests compare them.
 */
import path from 'node:path';
import { loadConfig, type StrataConfig } from '../../src/config/index.js';
import type { Warehouse } from '../../src/engine/index.js';
import { openProjectWarehouse } from '../../src/pipeline/open-warehouse.js';
import { runPipeline, type PipelineOptions, type PipelineResult } from '../../src/pipeline/index.js';

export type Engine = 'duckdb' | 'postgres';

export interface EngineRun {
  readonly engine: Engine;
  readonly config: StrataConfig;
  readonly warehouse: Warehouse;
  readonly result: PipelineResult;
  readonly ms: number;
}

export async function* runOnBothEngines(dir: string, url: string, options: PipelineOptions): AsyncGenerator<EngineRun> {
  for (const engine of ['duckdb', 'postgres'] as const) {
    const config = loadConfig({ dataDir: path.join(dir, engine), ...(engine === 'postgres' ? { warehouseUrl: url } : {}) }, {});
    const started = performance.now();
    const { warehouse } = await openProjectWarehouse(config);
    const result = await runPipeline(warehouse, config, options);
    yield { engine, config, warehouse, result, ms: Math.round(performance.now() - started) };
  }
}
