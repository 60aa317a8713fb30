/**
 * Creates (or updates) the stream, its dead-letter stream and the durable pull consumer, so
 * producers and the consumer can start in either order.
 */
import { AckPolicy, DeliverPolicy, type JetStreamManager } from 'nats';
import { deadLetterStream, type StreamSettings } from './stream-settings.js';

const NANOS_PER_MS = 1_000_000;
/** Publisher-side de-duplication window of both streams (Nats-Msg-Id). */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

async function ensureStream(jsm: JetStreamManager, name: string, subject: string): Promise<void> {
  const config = { name, subjects: [subject], duplicate_window: DUPLICATE_WINDOW_MS * NANOS_PER_MS };
  try {
    const info = await jsm.streams.info(name);
    if (!info.config.subjects?.includes(subject)) await jsm.streams.update(name, { ...info.config, subjects: [...(info.config.subjects ?? []), subject] });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

export async function ensureTopology(jsm: JetStreamManager, settings: StreamSettings, options: { consumer: boolean }): Promise<void> {
  await ensureStream(jsm, settings.stream, settings.subject);
  await ensureStream(jsm, deadLetterStream(settings), settings.deadLetterSubject);
  if (!options.consumer) return;
  const consumer = {
    durable_name: settings.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: settings.subject,
    ack_wait: settings.ackWaitMs * NANOS_PER_MS,
    // Unlimited on the server: the consumer itself dead-letters a message past maxDeliveries, so
    // no message is ever dropped by the server without a trace.
    max_deliver: -1,
    // Bounded in-flight messages: the backpressure between NATS and the warehouse.
    max_ack_pending: settings.batchSize * 2,
    max_batch: settings.batchSize,
  };
  try {
    await jsm.consumers.info(settings.stream, settings.durable);
    await jsm.consumers.update(settings.stream, settings.durable, { ack_wait: consumer.ack_wait, max_ack_pending: consumer.max_ack_pending, max_batch: consumer.max_batch });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(settings.stream, consumer);
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: string | number; api_error?: { code?: number }; message?: string };
  return e?.api_error?.code === 404 || e?.code === '404' || e?.code === 404 || /not found/i.test(e?.message ?? '');
}
