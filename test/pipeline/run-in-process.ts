/** Runs the pipeline in this process on CSV text written to a temp folder, into an in-memory warehouse. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import type { Warehouse } from '../../src/engine/index.js';
import { openProjectWarehouse, runPipeline, type PipelineResult } from '../../src/pipeline/index.js';
import { tempDir } from '../helpers/cli.js';

export const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

export interface InProcessRun {
  readonly warehouse: Warehouse;
  readonly result: PipelineResult;
  /** Folder the files were written to; file paths in the warehouse are under it. */
  readonly dir: string;
  /** Runs the pipeline again on more files, into the same warehouse. */
  readonly again: (files: Readonly<Record<string, string>>) => Promise<PipelineResult>;
  readonly close: () => Promise<void>;
}

export async function runInProcess(files: Readonly<Record<string, string>>): Promise<InProcessRun> {
  const temp = tempDir('strata-inproc-');
  // An empty environment: a developer's STRATA_* variables must not change what the tests see.
  const config = loadConfig({ dataDir: temp.dir, warehousePath: ':memory:', duckdbThreads: 1 }, {});
  const { warehouse } = await openProjectWarehouse(config);
  let round = 0;
  const write = (batch: Readonly<Record<string, string>>): string => {
    const dir = path.join(temp.dir, `in${round++}`);
    mkdirSync(dir);
    for (const [name, text] of Object.entries(batch)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  const dir = write(files);
  const result = await runPipeline(warehouse, config, { inputs: [dir] });
  return {
    warehouse,
    result,
    dir,
    again: (more) => runPipeline(warehouse, config, { inputs: [write(more)] }),
    close: async () => {
      await warehouse.close();
      temp.cleanup();
    },
  };
}
