export { streamSettings, streamSourceName, deadLetterStream, type StreamSettings } from './stream-settings.js';
export { ensureTopology } from './jetstream-topology.js';
export { parseEvent, EVENT_FIELDS, MAX_EVENT_BYTES, type TransactionEvent, type ParsedEvent, type EventField } from './transaction-event.js';
export { consumeStream, type ConsumeOptions, type ConsumeReport } from './stream-consumer.js';
export { writeMicroBatch, type WriteOptions } from './bronze-writer.js';
export type { IncomingMessage, MicroBatchResult, DeadLetter } from './micro-batch.js';
export { replayToStream, replayFiles, eventsOfFile, type ReplayOptions, type ReplayReport } from './file-replay.js';
export type { LatencySummary } from './latency-samples.js';
