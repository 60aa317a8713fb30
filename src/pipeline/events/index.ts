export type { PipelineEvent, PipelineEventKind, RunRequest } from './event-types.js';
export { createEventBus, type PipelineEventBus } from './event-bus.js';
export { appendEvents } from './event-log.js';
export { runEventLog, type RunEventLog } from './run-event-log.js';
export { listRunHistory, showRun, lastMaterializations, type RunSummary, type RunDetail, type StepSummary, type CheckSummary, type RunHistoryStatus } from './run-history.js';
export { mirrorEventsToNats, eventMirrorFor, type EventMirror, type EventMirrorOptions, type EventMirrorStats } from './nats-mirror.js';
