/**
 * Sets up a run for queue execution: the warehouse as this process may use it beside the workers
 * (held only while used, for a DuckDB file) and the dispatcher that turns steps into jobs.
 */
import type { StrataConfig } from '../../config/index.js';
import { migrate, openWarehouse, type Warehouse } from '../../engine/index.js';
import { markInterruptedRuns, superviseRuns, type RunSupervisor, type SuperviseOptions } from '../run-ownership.js';
import { queueConnection } from './queues.js';
import { createRedisSemaphore } from './redis-semaphore.js';
import { createQueueDispatcher, type StepDispatcher } from './step-dispatcher.js';
import { fileWarehouseLease, serverWarehouseLease, serverWarehouseUrl, type WarehouseLease } from './warehouse-lease.js';

export interface QueuedRunContext {
  readonly warehouse: Warehouse;
  readonly dispatcher: StepDispatcher;
  /** Earlier runs found unfinished and marked interrupted. */
  readonly interruptedRuns: number;
}

/**
 * Other orchestrators may share the warehouse (a file through the semaphore, a server as it is), so
 * only runs whose heartbeat expired are marked interrupted: at start and every half expiry after.
 */
export async function withQueuedRun<T>(
  config: StrataConfig,
  work: (context: QueuedRunContext) => Promise<T>,
  supervision: Pick<SuperviseOptions, 'onInterrupted' | 'onError'> = {},
): Promise<T> {
  const redis = queueConnection(config, 'strata-orchestrator-semaphore');
  const semaphore = createRedisSemaphore(redis, { keyPrefix: config.redisKeyPrefix, leaseMs: config.workerLockMs });
  let lease: WarehouseLease | null = null;
  let dispatcher: StepDispatcher | null = null;
  let supervisor: RunSupervisor | null = null;
  try {
    const url = serverWarehouseUrl(config);
    lease = url
      ? serverWarehouseLease(await openWarehouse({ path: config.warehousePath, url }), semaphore)
      : fileWarehouseLease(config, semaphore);
    const interruptedRuns = await lease.hold(async (warehouse) => {
      await migrate(warehouse);
      return markInterruptedRuns(warehouse, { expiryMs: config.runHeartbeatExpiryMs });
    });
    supervisor = superviseRuns(lease.warehouse, { expiryMs: config.runHeartbeatExpiryMs, ...supervision });
    dispatcher = await createQueueDispatcher(config);
    return await work({ warehouse: lease.warehouse, dispatcher, interruptedRuns });
  } finally {
    await supervisor?.stop();
    await dispatcher?.close();
    await lease?.close();
    redis.disconnect();
  }
}
