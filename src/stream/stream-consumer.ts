/**
 * The durable pull consumer: fetch up to `batchSize` messages, write them to bronze in one
 * transaction, and only then acknowledge them. A crash anywhere before the commit leaves them
 * unacknowledged (redelivered after ack_wait); a crash after it leaves a redelivery that the
 * writer recognises as already settled. Either way bronze ends up with each event once.
 */
import { connect, type JsMsg, type NatsConnection } from 'nats';
import type { Warehouse } from '../engine/index.js';
import { writeMicroBatch } from './bronze-writer.js';
import { publishDeadLetters } from './dead-letter.js';
import { ensureTopology } from './jetstream-topology.js';
import type { IncomingMessage, MicroBatchResult } from './micro-batch.js';
import { streamSourceName, type StreamSettings } from './stream-settings.js';
import { parseEvent } from './transaction-event.js';
import { LatencySamples, type LatencySummary } from './latency-samples.js';

export interface ConsumeOptions {
  readonly runId: string;
  readonly defaultDateOrder: 'mdy' | 'dmy';
  /** Stops the loop after the micro-batch in hand is committed. */
  readonly signal?: AbortSignal;
  /** Stop once no message has arrived for this long and nothing is pending (for replays and tests). */
  readonly idleExitMs?: number;
  /** Runs quality and silver over the committed batches; called at most every `processEveryMs`, when idle, and at the end. */
  readonly processPending?: () => Promise<void>;
  readonly processEveryMs?: number;
  readonly onBatch?: (result: MicroBatchResult, lag: number) => void;
}

export interface ConsumeReport {
  readonly messages: number;
  readonly loaded: number;
  readonly deadLettered: number;
  readonly duplicates: number;
  readonly alreadySettled: number;
  readonly batches: number;
  readonly durationMs: number;
  /** Messages committed per second of the loop's life (idle time included). */
  readonly eventsPerSecond: number;
  /** From JetStream storing a message to its micro-batch commit. */
  readonly commitLatencyMs: LatencySummary;
  /** Messages still pending for the consumer when it stopped. */
  readonly lag: number;
}

export function toIncoming(msg: JsMsg, settings: StreamSettings): IncomingMessage {
  const seq = msg.info.streamSequence;
  const base = {
    seq,
    deliveries: msg.info.deliveryCount,
    publishedAtMs: Math.floor(msg.info.timestampNanos / 1_000_000),
    payloadBytes: msg.data.byteLength,
  };
  const headerId = msg.headers?.get('Nats-Msg-Id') || `seq:${settings.stream}:${seq}`;
  const raw = (): string => new TextDecoder().decode(msg.data).slice(0, 10_000);
  if (msg.info.deliveryCount > settings.maxDeliveries) {
    return { ...base, eventId: headerId, content: { kind: 'dead_letter', reason: `not settled after ${settings.maxDeliveries} deliveries`, raw: raw() } };
  }
  const parsed = parseEvent(msg.data);
  if (parsed.kind === 'poison') return { ...base, eventId: headerId, content: { kind: 'dead_letter', reason: `poison message: ${parsed.reason}`, raw: raw() } };
  return { ...base, eventId: parsed.event.event_id, content: { kind: 'event', fields: parsed.event.fields } };
}

export async function consumeStream(warehouse: Warehouse, settings: StreamSettings, options: ConsumeOptions): Promise<ConsumeReport> {
  const nc: NatsConnection = await connect({ servers: settings.natsUrl, name: `strata-consumer-${settings.durable}`, maxReconnectAttempts: -1 });
  const started = performance.now();
  const totals = { messages: 0, loaded: 0, deadLettered: 0, duplicates: 0, alreadySettled: 0, batches: 0 };
  const latency = new LatencySamples();
  let lag = 0;
  try {
    await ensureTopology(await nc.jetstreamManager(), settings, { consumer: true });
    const js = nc.jetstream();
    const consumer = await js.consumers.get(settings.stream, settings.durable);
    const processEveryMs = options.processEveryMs ?? 2000;
    let lastProcess = performance.now();
    let lastMessage = performance.now();
    let unprocessed = false;
    const process = async (): Promise<void> => {
      if (!unprocessed || !options.processPending) return;
      await options.processPending();
      unprocessed = false;
      lastProcess = performance.now();
    };

    while (!options.signal?.aborted) {
      const fetched: JsMsg[] = [];
      const iter = await consumer.fetch({ max_messages: settings.batchSize, expires: Math.max(1000, settings.lingerMs) });
      for await (const msg of iter) fetched.push(msg);
      if (fetched.length === 0) {
        await process();
        const info = await consumer.info(true);
        lag = info.num_pending + info.num_ack_pending;
        if (options.idleExitMs !== undefined && lag === 0 && performance.now() - lastMessage >= options.idleExitMs) break;
        continue;
      }
      lastMessage = performance.now();
      const incoming = fetched.map((m) => toIncoming(m, settings));
      const result = await writeMicroBatch(warehouse, incoming, {
        stream: settings.stream,
        subject: settings.subject,
        sourceName: streamSourceName(settings),
        runId: options.runId,
        defaultDateOrder: options.defaultDateOrder,
        deadLetter: (letters) => publishDeadLetters(js, settings, letters),
      });
      const committedAt = Date.now();
      for (const m of fetched) m.ack();
      await nc.flush();
      for (const m of incoming) latency.add(committedAt - m.publishedAtMs);
      lag = fetched.at(-1)?.info.pending ?? 0;
      totals.messages += result.messages;
      totals.loaded += result.loaded;
      totals.deadLettered += result.deadLettered;
      totals.duplicates += result.duplicates;
      totals.alreadySettled += result.alreadySettled;
      if (result.batchId) {
        totals.batches++;
        unprocessed = true;
      }
      options.onBatch?.(result, lag);
      if (performance.now() - lastProcess >= processEveryMs) await process();
    }
    await process();
  } finally {
    await nc.drain().catch(() => nc.close());
  }
  const durationMs = Math.round(performance.now() - started);
  return {
    ...totals,
    durationMs,
    eventsPerSecond: durationMs > 0 ? Math.round((totals.messages * 1000) / durationMs) : 0,
    commitLatencyMs: latency.summary(),
    lag,
  };
}
