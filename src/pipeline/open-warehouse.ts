/** Opens the configured warehouse for writing, applies migrations and closes the books on crashed runs. */
import type { StrataConfig } from '../config/index.js';
import { migrate, openWarehouse, type Warehouse } from '../engine/index.js';
import { markInterruptedRuns, superviseRuns } from './run-ownership.js';

export interface OpenProjectWarehouseOptions {
  /** Told of runs found dead after the start (a shared warehouse is looked at every half expiry). */
  readonly onInterrupted?: (runs: number) => void;
  readonly onError?: (error: unknown) => void;
}

export async function openProjectWarehouse(config: StrataConfig, options: OpenProjectWarehouseOptions = {}): Promise<{ warehouse: Warehouse; interruptedRuns: number }> {
  const opened = await openWarehouse({
    path: config.warehousePath,
    url: config.warehouseUrl,
    ...(config.duckdbThreads ? { threads: config.duckdbThreads } : {}),
    ...(config.duckdbMemoryLimit ? { memoryLimit: config.duckdbMemoryLimit } : {}),
  });
  await migrate(opened);
  // A DuckDB file opened for writing for the process's life is this process's alone (DuckDB's
  // file lock), so no other process can be running anything on it: every unfinished run is dead
  // now, whatever its heartbeat says. A server warehouse is shared; there the expiry decides.
  const exclusive = opened.dialect === 'duckdb';
  const interruptedRuns = await markInterruptedRuns(opened, { expiryMs: exclusive ? 0 : config.runHeartbeatExpiryMs });
  if (exclusive) return { warehouse: opened, interruptedRuns };
  const supervisor = superviseRuns(opened, { expiryMs: config.runHeartbeatExpiryMs, ...options });
  const warehouse: Warehouse = {
    ...opened,
    close: async () => {
      await supervisor.stop();
      await opened.close();
    },
  };
  return { warehouse, interruptedRuns };
}
