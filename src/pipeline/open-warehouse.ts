/** Opens the configured warehouse for writing, applies migrations and closes the books on crashed runs. */
import type { StrataConfig } from '../config/index.js';
import { migrate, openWarehouse, type Warehouse } from '../engine/index.js';
import { markInterruptedRuns } from './run-store.js';

export async function openProjectWarehouse(config: StrataConfig): Promise<{ warehouse: Warehouse; interruptedRuns: number }> {
  const warehouse = await openWarehouse({
    path: config.warehousePath,
    url: config.warehouseUrl,
    ...(config.duckdbThreads ? { threads: config.duckdbThreads } : {}),
    ...(config.duckdbMemoryLimit ? { memoryLimit: config.duckdbMemoryLimit } : {}),
  });
  await migrate(warehouse);
  const interruptedRuns = await markInterruptedRuns(warehouse);
  return { warehouse, interruptedRuns };
}
