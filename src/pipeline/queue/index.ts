export { createQueueDispatcher, type StepDispatcher } from './step-dispatcher.js';
export { startWorker, type RunningWorker, type WorkerEvent, type WorkerOptions } from './step-worker.js';
export { createRedisSemaphore, type Permit, type RedisSemaphore, type ResourceClaim } from './redis-semaphore.js';
export { fileWarehouseLease, serverWarehouseLease, fileResourceOf, type WarehouseLease } from './warehouse-lease.js';
export { QUEUES, bullPrefix, bullQueueName, queueConnection, type QueueName } from './queues.js';
export { withQueuedRun } from './queued-run.js';
export type { StepJob, StepSuccess } from './step-job.js';
