/**
 * The durable pull consumer: fetch up to `batchSize` messages, write them to bronze in one
 * transaction, and only then acknowledge them. A crash anywhere before the commit leaves them
 * unacknowledged (redelivered after ack_wait); a crash after it leaves a redelivery that the
 * writer recognises as already settled. Either way bronze ends up with each event once.
 */
import { connect, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { Warehouse } from '../engine/index.js';
import { writeMicroBatch } from './bronze-writer.js';
import { publishDeadLetters } from './dead-letter.js';
import { ensureTopology } from './jetstream-topology.js';
import type { IncomingMessage, MicroBatchResult } from './micro-batch.js';
import { streamSourceName, type StreamSettings } from './stream-settings.js';
import { parseEvent } from './transaction-event.js';
import { MessageBuffer } from './message-buffer.js';
import { LatencySamples, type LatencySummary } from './latency-samples.js';
import type { StreamMetrics } from './stream-metrics.js';

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
  readonly metrics?: StreamMetrics;
  /** Told about each transient failure (broker gone, publish timed out) the loop is retrying. */
  readonly onRetry?: (what: string, error: unknown, attempt: number) => void;
}

/** Consecutive failures of one operation before the consumer gives up (about a minute with the backoff). */
const MAX_ATTEMPTS = 40;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ConsumeReport {
  readonly messages: number;
  readonly loaded: number;
  readonly deadLettered: number;
  readonly duplicates: number;
  readonly alreadySettled: number;
  readonly batches: number;
  /** Events behind the watermark that still updated their windows, and those past the allowed lateness (kept in stream.late_events). */
  readonly lateEvents: number;
  readonly tooLateEvents: number;
  readonly durationMs: number;
  /** Messages committed per second of the loop's life (idle time included). */
  readonly eventsPerSecond: number;
  /** From JetStream storing a message to its micro-batch commit. */
  readonly commitLatencyMs: LatencySummary;
  /** Messages still pending for the consumer when it stopped. */
  readonly lag: number;
  /** Earliest JetStream store time among the messages consumed, and the last commit (ISO), to measure end to end. */
  readonly firstPublishedAt: string | null;
  readonly lastCommittedAt: string | null;
  /** When the first micro-batch was in hand (ISO): with lastCommittedAt, the consumer's own throughput over a backlog. */
  readonly firstBatchAt: string | null;
}

/** A delivered message and what the writer needs of it. */
interface Delivered {
  readonly msg: JsMsg;
  readonly incoming: IncomingMessage;
}

export function toIncoming(msg: JsMsg, settings: StreamSettings): IncomingMessage {
  const seq = msg.info.streamSequence;
  return toIncomingRaw({
    seq,
    deliveries: msg.info.deliveryCount,
    publishedAtMs: Math.floor(msg.info.timestampNanos / 1_000_000),
    data: msg.data,
    // Headers are decoded only for dead letters: an event carries its own id, and decoding every
    // message's headers cost about a tenth of the consumer's JavaScript time.
    headerId: () => msg.headers?.get('Nats-Msg-Id') || `seq:${settings.stream}:${seq}`,
  }, settings.maxDeliveries);
}

/** A delivered message as the writer needs it, from its parts (the broker's message or a profile's). */
export function toIncomingRaw(
  m: { readonly seq: number; readonly deliveries: number; readonly publishedAtMs: number; readonly data: Uint8Array; readonly headerId: () => string },
  maxDeliveries: number,
): IncomingMessage {
  // Object literals, not spreads of a common part: this runs once per message and its garbage is
  // a good part of the consumer's collection time.
  const { seq, deliveries, publishedAtMs, data } = m;
  if (deliveries > maxDeliveries) return deadLetter(m, `not settled after ${maxDeliveries} deliveries`);
  const parsed = parseEvent(data);
  if (parsed.kind === 'poison') return deadLetter(m, `poison message: ${parsed.reason}`);
  return { seq, deliveries, publishedAtMs, payloadBytes: data.byteLength, eventId: parsed.event.event_id, content: { kind: 'event', fields: parsed.event.fields } };
}

function deadLetter(m: Parameters<typeof toIncomingRaw>[0], reason: string): IncomingMessage {
  const raw = new TextDecoder().decode(m.data).slice(0, 10_000);
  return { seq: m.seq, deliveries: m.deliveries, publishedAtMs: m.publishedAtMs, payloadBytes: m.data.byteLength, eventId: m.headerId(), content: { kind: 'dead_letter', reason, raw, payload: m.data } };
}

export async function consumeStream(warehouse: Warehouse, settings: StreamSettings, options: ConsumeOptions): Promise<ConsumeReport> {
  const nc: NatsConnection = await connect({ servers: settings.natsUrl, name: `strata-consumer-${settings.durable}`, maxReconnectAttempts: -1 });
  const started = performance.now();
  const totals = { messages: 0, loaded: 0, deadLettered: 0, duplicates: 0, alreadySettled: 0, batches: 0, lateEvents: 0, tooLateEvents: 0 };
  const latency = new LatencySamples();
  let lag = 0;
  let firstPublishedMs = Infinity;
  let lastCommittedMs = 0;
  let firstBatchMs = 0;
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

    // The broker may go away (restart, network): fetches, info calls and a micro-batch whose
    // dead-letter publish timed out are retried with backoff. A micro-batch is retried as it is,
    // still unacknowledged, so an outage never costs a message a delivery attempt.
    const retrying = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await work();
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS) throw error;
          options.onRetry?.(what, error, attempt);
          await sleep(Math.min(100 * 2 ** attempt, 2000));
        }
      }
    };
    // One long-lived pull subscription feeds the buffer; it asks the server for up to a batch at a
    // time and refills as the buffer drains, so the next micro-batch arrives while this one commits.
    // The server's max_ack_pending (two batches) bounds what is in flight.
    // Keyed by stream sequence: a message JetStream redelivers while an earlier copy is still
    // buffered replaces that copy, so no micro-batch carries one sequence twice.
    // Each message is parsed as it arrives, while the micro-batch before it is in the engine, so
    // the parse is off the path from one commit to the next.
    const buffer = new MessageBuffer<Delivered>(settings.batchSize, settings.lingerMs, (d) => d.msg.info.streamSequence);
    // Messages delivered but not yet acknowledged wait here (the next micro-batch while this one
    // commits, or while quality and silver run) longer than ack_wait on a busy machine. Without a
    // word to the server it redelivers them meanwhile: each redelivery counts towards
    // maxDeliveries (a message held too long would be dead-lettered as if it had crashed the
    // consumer) and lands in the buffer as a second copy. So every held message is reported as
    // still in progress (+WPI) well inside ack_wait; only a consumer that died, or hangs past its
    // retries, lets them go back to the server.
    let inFlight: readonly Delivered[] = [];
    const keepAlive = setInterval(() => {
      for (const d of inFlight) d.msg.working();
      for (const d of buffer.held()) d.msg.working();
    }, Math.max(50, Math.floor(settings.ackWaitMs / 3)));
    keepAlive.unref();
    let subscription: ConsumerMessages | null = null;
    // A pull request outlives a consumer that is killed: until it expires the server goes on
    // delivering into it (nats-server 2.9 does not check that anyone still listens), and each such
    // delivery, lost, counts towards maxDeliveries. Pulls that expire before ack_wait runs out keep
    // a crash to one lost delivery per message instead of one per ack_wait until the pull expires.
    const pullExpiresMs = Math.min(5000, Math.max(1000, Math.floor(settings.ackWaitMs / 2)));
    const subscribe = async (): Promise<void> => {
      const messages = await consumer.consume({ max_messages: settings.batchSize, expires: pullExpiresMs, callback: (msg) => buffer.push({ msg, incoming: toIncoming(msg, settings) }) });
      subscription = messages;
      // consume() recovers from reconnects and missed heartbeats itself; if it ends anyway the loop subscribes again.
      void messages.closed().then(
        (error) => {
          if (subscription === messages) subscription = null;
          if (error) options.onRetry?.('consume', error, 1);
        },
        () => {
          if (subscription === messages) subscription = null;
        },
      );
    };
    await retrying('consume', subscribe);
    try {
      for (;;) {
        if (options.signal?.aborted) break;
        if (subscription === null && buffer.size === 0) await retrying('consume', subscribe);
        const fetched = await buffer.next(Math.max(1000, settings.lingerMs));
        if (fetched.length === 0) {
          await process();
          const info = await retrying('consumer info', () => consumer.info());
          lag = info.num_pending + info.num_ack_pending;
          options.metrics?.setLag(lag);
          if (options.idleExitMs !== undefined && lag === 0 && buffer.size === 0 && performance.now() - lastMessage >= options.idleExitMs) break;
          continue;
        }
        lastMessage = performance.now();
        firstBatchMs ||= Date.now();
        inFlight = fetched;
        const incoming = fetched.map((d) => d.incoming);
        const writeStarted = performance.now();
        const result = await retrying('micro-batch', () => writeMicroBatch(warehouse, incoming, {
          stream: settings.stream,
          subject: settings.subject,
          sourceName: streamSourceName(settings),
          runId: options.runId,
          defaultDateOrder: options.defaultDateOrder,
          allowedLatenessMs: settings.allowedLatenessMs,
          deadLetter: (letters) => publishDeadLetters(js, settings, letters),
        }));
        const committedAt = Date.now();
        for (const d of fetched) d.msg.ack();
        inFlight = [];
        // Acks are buffered while disconnected; one lost is a redelivery the writer recognises. The
        // next micro-batch does not wait for the server to confirm them (a round trip behind
        // thousands of acks): nothing it writes depends on them.
        void nc.flush().catch(() => undefined);
        for (const m of incoming) {
          latency.add(committedAt - m.publishedAtMs);
          firstPublishedMs = Math.min(firstPublishedMs, m.publishedAtMs);
        }
        lastCommittedMs = committedAt;
        lag = fetched.at(-1)?.msg.info.pending ?? 0;
        totals.messages += result.messages;
        totals.loaded += result.loaded;
        totals.deadLettered += result.deadLettered;
        totals.duplicates += result.duplicates;
        totals.alreadySettled += result.alreadySettled;
        totals.lateEvents += result.window?.late ?? 0;
        totals.tooLateEvents += result.window?.tooLate ?? 0;
        if (result.batchId) {
          totals.batches++;
          unprocessed = true;
        }
        options.metrics?.observe(result, lag, (performance.now() - writeStarted) / 1000);
        options.onBatch?.(result, lag);
        if (performance.now() - lastProcess >= processEveryMs) await process();
      }
    } finally {
      clearInterval(keepAlive);
      const open = subscription as ConsumerMessages | null;
      if (open) await open.close().catch(() => undefined);
      // Delivered but not written: hand them back now rather than after ack_wait.
      for (const d of buffer.drain()) d.msg.nak();
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
    firstPublishedAt: Number.isFinite(firstPublishedMs) ? new Date(firstPublishedMs).toISOString() : null,
    lastCommittedAt: lastCommittedMs ? new Date(lastCommittedMs).toISOString() : null,
    firstBatchAt: firstBatchMs ? new Date(firstBatchMs).toISOString() : null,
  };
}
