export { execute, isRetryable, type ExecutableStep, type ExecuteOptions, type ExecutorHooks, type StepContext, type StepOutcome } from './executor.js';
export { backoffDelay } from './backoff.js';
export { systemClock, createFakeClock, type Clock, type FakeClock } from './clock.js';
