/** Where the stream lives and how the consumer paces itself; built from the config plus command flags. */
import type { StrataConfig } from '../config/index.js';

export interface StreamSettings {
  readonly natsUrl: string;
  /** JetStream stream name. */
  readonly stream: string;
  readonly subject: string;
  readonly durable: string;
  /** Poison and given-up messages are published here (a stream of its own, `<stream>_DLQ`). */
  readonly deadLetterSubject: string;
  /** Most messages in one micro-batch, and so in one bronze transaction. */
  readonly batchSize: number;
  /** Longest wait for a micro-batch to fill before committing what arrived. */
  readonly lingerMs: number;
  /** A message delivered more often than this is dead-lettered instead of loaded again. */
  readonly maxDeliveries: number;
  readonly ackWaitMs: number;
  /** How far behind the watermark an event may arrive and still update its windows; later ones are counted in stream.late_events. */
  readonly allowedLatenessMs: number;
}

export function streamSettings(config: StrataConfig, overrides: Partial<StreamSettings> = {}): StreamSettings {
  const subject = overrides.subject ?? config.streamSubject;
  return {
    natsUrl: config.natsUrl,
    stream: config.streamName,
    subject,
    durable: config.streamDurable,
    deadLetterSubject: `${subject}.dead-letter`,
    batchSize: config.streamBatchSize,
    lingerMs: 250,
    maxDeliveries: config.streamMaxDeliveries,
    ackWaitMs: config.streamAckWaitMs,
    allowedLatenessMs: config.streamAllowedLatenessMs,
    ...overrides,
  };
}

export const deadLetterStream = (settings: StreamSettings): string => `${settings.stream}_DLQ`;
/** The `_file` of every bronze row that came from this stream. */
export const streamSourceName = (settings: StreamSettings): string => `nats:${settings.stream}/${settings.subject}`;
