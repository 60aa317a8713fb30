/**
 * Warehouse access for queue execution. A server warehouse (PostgreSQL) takes many writers: each
 * process opens it once. A DuckDB file takes one writing process at a time, so every process
 * (the orchestrator and each worker) opens it only while it holds the Redis semaphore for that
 * file, and closes it (the database, not only the connection) before letting go. DuckDB's own
 * file lock stays the last guard: an open that meets it waits and tries again.
 */
import path from 'node:path';
import type { StrataConfig } from '../../config/index.js';
import { openWarehouse, type Warehouse } from '../../engine/index.js';
import { StrataError, describeError } from '../../shared/index.js';
import type { Permit, RedisSemaphore, ResourceClaim } from './redis-semaphore.js';

export interface WarehouseLease {
  /** Runs `work` with the warehouse open (and, for a file, held by this process alone). */
  hold<T>(work: (warehouse: Warehouse) => Promise<T>, extra?: readonly ResourceClaim[]): Promise<T>;
  /** A Warehouse whose every call runs under `hold`: for code that takes a Warehouse (the run itself). */
  readonly warehouse: Warehouse;
  close(): Promise<void>;
}

/** Set for a server warehouse (PostgreSQL), which every process opens once; unset for a DuckDB file. */
export const serverWarehouseUrl = (config: StrataConfig): string | undefined => config.warehouseUrl;

/** The semaphore name of the DuckDB file: every process on every machine must name it alike. */
export const fileResourceOf = (config: StrataConfig): string => `warehouse-file:${path.resolve(config.warehousePath)}`;

const LOCKED = /lock|Conflicting lock|IO Error/i;

async function openFile(config: StrataConfig): Promise<Warehouse> {
  const deadline = Date.now() + 60_000;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await openWarehouse({
        path: config.warehousePath,
        releaseOnClose: true,
        ...(config.duckdbThreads ? { threads: config.duckdbThreads } : {}),
        ...(config.duckdbMemoryLimit ? { memoryLimit: config.duckdbMemoryLimit } : {}),
      });
    } catch (error) {
      // A holder whose lease ran out (a stalled process) may still have the file: wait for it.
      if (!LOCKED.test(describeError(error)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

export function fileWarehouseLease(config: StrataConfig, semaphore: RedisSemaphore): WarehouseLease {
  const claim: ResourceClaim = { name: fileResourceOf(config), limit: 1 };
  let current: Promise<{ warehouse: Warehouse; permit: Permit }> | null = null;
  let users = 0;
  let idle: Promise<void> = Promise.resolve();

  const hold = async <T>(work: (warehouse: Warehouse) => Promise<T>, extra: readonly ResourceClaim[] = []): Promise<T> => {
    if (extra.length) {
      // Extra claims are taken with the file in one go (no deadlock), for this work alone.
      await idle;
      const permit = await semaphore.acquire([claim, ...extra]);
      try {
        const warehouse = await openFile(config);
        try {
          return await work(warehouse);
        } finally {
          await warehouse.close();
        }
      } finally {
        await permit.release();
      }
    }
    users++;
    try {
      current ??= (async () => {
        await idle;
        const permit = await semaphore.acquire([claim]);
        try {
          return { warehouse: await openFile(config), permit };
        } catch (error) {
          await permit.release();
          throw error;
        }
      })();
      const { warehouse } = await current;
      return await work(warehouse);
    } finally {
      users--;
      if (users === 0 && current) {
        const held = current;
        current = null;
        // Close before release, so the next holder never meets this process's file lock.
        idle = held.then(
          async ({ warehouse, permit }) => {
            await warehouse.close().catch(() => undefined);
            await permit.release();
          },
          () => undefined,
        );
        await idle;
      }
    }
  };

  const warehouse: Warehouse = {
    dialect: 'duckdb',
    location: config.warehousePath,
    readOnly: false,
    query: (sql, params) => hold((w) => w.query(sql, params)),
    execute: (sql, params) => hold((w) => w.execute(sql, params)),
    statementKinds: (sql) => hold((w) => w.statementKinds(sql)),
    transaction: (work) => hold((w) => w.transaction(work)),
    copyFromCsv: (table, columns, file, options) => hold((w) => w.copyFromCsv(table, columns, file, options)),
    close: async () => {
      if (users > 0) throw new StrataError('STRATA_ERR_INTERNAL', 'the leased warehouse was closed while in use');
      await idle;
    },
  };
  return { hold, warehouse, close: () => warehouse.close() };
}

/** A server warehouse: opened once, shared by every job; extra claims still go through the semaphore. */
export function serverWarehouseLease(opened: Warehouse, semaphore: RedisSemaphore): WarehouseLease {
  return {
    async hold(work, extra = []) {
      const permit = await semaphore.acquire(extra);
      try {
        return await work(opened);
      } finally {
        await permit.release();
      }
    },
    warehouse: opened,
    close: () => opened.close(),
  };
}
