/**
 * `strata serve` with STRATA_EXECUTION=queue: runs triggered through the API are planned and
 * recorded here, but their steps run on `strata worker` processes (the dispatcher).
 *
 * A DuckDB file takes one process at a time, and the server keeps it open for its reads. So for
 * each run the server hands the file over: it lets the reads in flight finish, closes its writer
 * and reader pool (the database, not only the connections), lets go of the file's Redis semaphore,
 * and runs with the same file lease the workers use; afterwards it takes the semaphore and the
 * file back and reopens (and locks down) the readers. Requests that read meanwhile wait for that;
 * cached answers are served as usual. Between runs the server holds the semaphore, so a worker
 * sent a job by some other orchestrator waits for the file instead of meeting DuckDB's lock.
 * A server warehouse (PostgreSQL) is shared with the workers as it is: nothing is handed over.
 */
import type { Redis } from 'ioredis';
import type { StrataConfig } from '../config/index.js';
import { migrate, openReaderPool, openWarehouse, type ReaderPool, type Row, type SqlParams, type Warehouse } from '../engine/index.js';
import {
  createQueueDispatcher, createRedisSemaphore, fileResourceOf, fileWarehouseLease, markInterruptedRuns, queueConnection, superviseRuns,
  type Permit, type RedisSemaphore, type RunSupervisor, type StepDispatcher,
} from '../pipeline/index.js';
import { StrataError } from '../shared/index.js';

export interface QueueExecution {
  readonly dispatcher: StepDispatcher;
  /** Runs `work` (one pipeline run) with the warehouse as it must be used beside the workers. */
  duringRun<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T>;
}

/** The server's warehouse: the writer, the readers and, in queue mode, how runs go to the workers. */
export interface ServerWarehouse {
  readonly writer: Warehouse;
  readonly readers: ReaderPool;
  readonly queue: QueueExecution | null;
  close(): Promise<void>;
}

export interface ReaderSettings {
  readonly connections: number;
  readonly defaultTimeoutMs: number;
  /** Directories the instance may still read files under (the rest of file access is turned off). */
  readonly allowed: readonly string[];
  /** Told what lockDown found wrong but could not change (PostgreSQL: the role's file privileges), and of runs found dead. */
  readonly warn?: (note: string) => void;
}

/**
 * Closes the runs of dead orchestrators: now, and every half expiry while the server lives. A DuckDB
 * file the server holds for its whole life is its alone (DuckDB's lock), so there every unfinished
 * run is dead at once and nobody else can leave one behind later; anything shared waits for the expiry.
 */
async function superviseServerRuns(config: StrataConfig, settings: ReaderSettings, opened: Warehouse, sweeper: Warehouse, exclusive: boolean): Promise<RunSupervisor> {
  const expiryMs = config.runHeartbeatExpiryMs;
  const report = (runs: number): void => settings.warn?.(`${runs} run(s) of an orchestrator that stopped had been left running; marked interrupted`);
  const atStart = await markInterruptedRuns(opened, { expiryMs: exclusive ? 0 : expiryMs });
  if (atStart) report(atStart);
  if (exclusive) return { stop: async () => undefined };
  return superviseRuns(sweeper, { expiryMs, onInterrupted: report, onError: (error) => settings.warn?.(`looking for interrupted runs failed: ${error instanceof Error ? error.message : String(error)}`) });
}

interface OpenFile {
  readonly writer: Warehouse;
  readonly readers: ReaderPool;
}

async function openReaders(config: StrataConfig, settings: ReaderSettings): Promise<ReaderPool> {
  const pool = await openReaderPool({
    path: config.warehousePath,
    url: config.warehouseUrl,
    threads: config.duckdbThreads,
    memoryLimit: config.duckdbMemoryLimit,
    connections: settings.connections,
    defaultTimeoutMs: settings.defaultTimeoutMs,
  });
  try {
    for (const note of await pool.lockDown(settings.allowed)) settings.warn?.(note);
    return pool;
  } catch (error) {
    await pool.close();
    throw error;
  }
}

/** The writer (migrated) and a reader pool on the same instance; `releaseOnClose` for a handover. */
async function openFile(config: StrataConfig, settings: ReaderSettings, releaseOnClose: boolean): Promise<OpenFile> {
  const writer = await openWarehouse({
    path: config.warehousePath,
    url: config.warehouseUrl,
    releaseOnClose,
    ...(config.duckdbThreads ? { threads: config.duckdbThreads } : {}),
    ...(config.duckdbMemoryLimit ? { memoryLimit: config.duckdbMemoryLimit } : {}),
  });
  try {
    await migrate(writer);
    return { writer, readers: await openReaders(config, settings) };
  } catch (error) {
    await writer.close();
    throw error;
  }
}

const closeFile = async (file: OpenFile): Promise<void> => {
  // Readers first: the writer's close is the one that closes the database.
  await file.readers.close();
  await file.writer.close();
};

/** Opens the warehouse for `strata serve`: as before in-process, or ready to hand runs to workers. */
export async function openServerWarehouse(config: StrataConfig, settings: ReaderSettings): Promise<ServerWarehouse> {
  if (config.execution !== 'queue') {
    const file = await openFile(config, settings, false);
    const supervisor = await superviseServerRuns(config, settings, file.writer, file.writer, file.writer.dialect === 'duckdb');
    return {
      ...file,
      queue: null,
      async close() {
        await supervisor.stop();
        await closeFile(file);
      },
    };
  }
  const redis = queueConnection(config, 'strata-api-semaphore');
  try {
    const semaphore = createRedisSemaphore(redis, { keyPrefix: config.redisKeyPrefix, leaseMs: config.workerLockMs });
    const dispatcher = await createQueueDispatcher(config);
    try {
      return config.warehouseUrl ? await sharedServer(config, settings, dispatcher, redis) : await handedOverFile(config, settings, semaphore, dispatcher, redis);
    } catch (error) {
      await dispatcher.close();
      throw error;
    }
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

async function sharedServer(config: StrataConfig, settings: ReaderSettings, dispatcher: StepDispatcher, redis: Redis): Promise<ServerWarehouse> {
  const file = await openFile(config, settings, false);
  const supervisor = await superviseServerRuns(config, settings, file.writer, file.writer, false);
  return {
    ...file,
    queue: { dispatcher, duringRun: (work) => work(file.writer) },
    async close() {
      await supervisor.stop();
      await dispatcher.close();
      await closeFile(file);
      redis.disconnect();
    },
  };
}

async function handedOverFile(config: StrataConfig, settings: ReaderSettings, semaphore: RedisSemaphore, dispatcher: StepDispatcher, redis: Redis): Promise<ServerWarehouse> {
  const claim = [{ name: fileResourceOf(config), limit: 1 }];
  const take = async (): Promise<{ file: OpenFile; permit: Permit }> => {
    const permit = await semaphore.acquire(claim);
    try {
      return { file: await openFile(config, settings, true), permit };
    } catch (error) {
      await permit.release();
      throw error;
    }
  };
  const give = async (held: { file: OpenFile; permit: Permit }): Promise<void> => {
    // Close before release, so the next holder never meets this process's file lock.
    await closeFile(held.file).catch(() => undefined);
    await held.permit.release();
  };

  let held: { file: OpenFile; permit: Permit } | null = await take();
  /** Settled while the file is away (a run) or being taken back; null when it is here. */
  let away: Promise<unknown> | null = null;
  let inFlight = 0;
  let drained: (() => void) | null = null;
  let closed = false;

  const use = async <T>(work: (file: OpenFile) => Promise<T>): Promise<T> => {
    for (;;) {
      if (closed) throw new StrataError('STRATA_ERR_INTERNAL', 'the server warehouse is closed');
      if (held && !away) break;
      if (away) await away.catch(() => undefined);
      else {
        // The last taking back failed (e.g. a worker of another orchestrator still had the file): try again.
        away = take().then((h) => void (held = h)).finally(() => (away = null));
        await away;
      }
    }
    inFlight++;
    try {
      return await work(held.file);
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  };

  const lease = fileWarehouseLease(config, semaphore);
  const duringRun = async <T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T> => {
    let back!: () => void;
    const returned = new Promise<void>((resolve) => (back = resolve));
    while (away) await away.catch(() => undefined);
    away = returned;
    try {
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      drained = null;
      if (held) await give(held);
      held = null;
      return await work(lease.warehouse);
    } finally {
      try {
        if (!closed) held = await take();
      } catch {
        // Left for the next read to try again (see `use`).
      } finally {
        away = null;
        back();
      }
    }
  };

  const readers: ReaderPool = {
    dialect: 'duckdb',
    size: settings.connections,
    query: <T = Row>(sql: string, params?: SqlParams, options?: { readonly timeoutMs?: number }) => use((f) => f.readers.query<T>(sql, params, options)),
    // Locked down at every open (openReaders): nothing to do here.
    lockDown: async () => [],
    close: async () => undefined,
  };
  const writer: Warehouse = {
    dialect: 'duckdb',
    location: config.warehousePath,
    readOnly: false,
    query: (sql, params) => use((f) => f.writer.query(sql, params)),
    execute: (sql, params) => use((f) => f.writer.execute(sql, params)),
    statementKinds: (sql) => use((f) => f.writer.statementKinds(sql)),
    transaction: (work) => use((f) => f.writer.transaction(work)),
    copyFromCsv: (table, columns, file, options) => use((f) => f.writer.copyFromCsv(table, columns, file, options)),
    close: async () => undefined,
  };
  // Later passes go through `writer`, so they wait while the file is away for a run.
  const supervisor = await superviseServerRuns(config, settings, held.file.writer, writer, false);
  return {
    writer,
    readers,
    queue: { dispatcher, duringRun },
    async close() {
      await supervisor.stop();
      while (away) await away.catch(() => undefined);
      closed = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await dispatcher.close();
      if (held) await give(held);
      held = null;
      await lease.close();
      redis.disconnect();
    },
  };
}
