/**
 * `strata stream produce`: replays CSV files as transaction events, one per data line, with the
 * event id (and Nats-Msg-Id) `<sha256 of the file>:<physical line>`, so a replay of the same file
 * is de-duplicated by JetStream and by the consumer, and every event traces back to its line.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { connect } from 'nats';
import { AckedPublisher, type PubAckInfo } from './acked-publisher.js';
import { StrataError } from '../shared/index.js';
import { ensureTopology } from './jetstream-topology.js';
import { LatencySamples, type LatencySummary } from './latency-samples.js';
import type { StreamSettings } from './stream-settings.js';
import { EVENT_FIELDS, type EventField } from './transaction-event.js';

export interface ReplayOptions {
  /** Events per second; 0 publishes as fast as the broker acknowledges. */
  readonly rate: number;
  /** Publishes awaiting their acknowledgement at once. */
  readonly window?: number;
  readonly onFile?: (file: string, events: number) => void;
}

export interface ReplayReport {
  readonly files: number;
  readonly events: number;
  /** Events JetStream already had (same message id within its duplicate window). */
  readonly duplicates: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly durationMs: number;
  readonly eventsPerSecond: number;
  readonly ackLatencyMs: LatencySummary;
}

const HEADER_ALIASES: Readonly<Record<string, EventField>> = {
  invoiceno: 'invoice_no', invoice: 'invoice_no', stockcode: 'stock_code', description: 'description', quantity: 'quantity',
  invoicedate: 'invoice_date', unitprice: 'unit_price', price: 'unit_price', customerid: 'customer_id', customer: 'customer_id', country: 'country',
};

/** CSV files named by `inputs` (files, or folders read one level deep), in name order. */
export function replayFiles(inputs: readonly string[]): string[] {
  return inputs.flatMap((input) => {
    let stat;
    try {
      stat = statSync(input);
    } catch (error) {
      throw new StrataError('STRATA_ERR_FILE_NOT_FOUND', `${input} does not exist`, { cause: error });
    }
    if (!stat.isDirectory()) return [input];
    return readdirSync(input).filter((f) => f.toLowerCase().endsWith('.csv')).sort().map((f) => path.join(input, f));
  });
}

/** One event per data line of a CSV file: [event id, JSON payload]. */
export function eventsOfFile(file: string): Array<readonly [string, string]> {
  const bytes = readFileSync(file);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const records = parse(bytes, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const header = records[0]?.record ?? [];
  const positions = new Map<EventField, number>();
  header.forEach((name, index) => {
    const field = HEADER_ALIASES[name.toLowerCase().replace(/[^a-z]/g, '')];
    if (field && !positions.has(field)) positions.set(field, index);
  });
  const missing = EVENT_FIELDS.filter((f) => !positions.has(f));
  if (missing.length) throw new StrataError('STRATA_ERR_CSV_COLUMNS', `${file}: no column for ${missing.join(', ')}`);
  return records.slice(1).map(({ record, info }) => {
    // csv-parse reports the line a record ends on; bronze numbers a record by the line it starts on.
    const inner = record.reduce((n, value) => n + (value.match(/\n/g)?.length ?? 0), 0);
    const eventId = `${hash}:${info.lines - inner}`;
    const event: Record<string, string | null> = { event_id: eventId };
    for (const field of EVENT_FIELDS) {
      const value = record[positions.get(field)!];
      event[field] = value === undefined || value === '' ? null : value;
    }
    return [eventId, JSON.stringify(event)] as const;
  });
}

export async function replayToStream(inputs: readonly string[], settings: StreamSettings, options: ReplayOptions): Promise<ReplayReport> {
  const files = replayFiles(inputs);
  const nc = await connect({ servers: settings.natsUrl, name: 'strata-producer' });
  const encoder = new TextEncoder();
  const latency = new LatencySamples();
  const windowSize = options.window ?? 1000;
  let events = 0;
  let duplicates = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  const started = performance.now();
  try {
    await ensureTopology(await nc.jetstreamManager(), settings, { consumer: false });
    const publisher = new AckedPublisher(nc);
    // A counting window rather than Promise.race over the set: race is O(window) per publish.
    let inFlight = 0;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const settle = (ack: PubAckInfo, sentAt: number): void => {
      latency.add(performance.now() - sentAt);
      if (ack.duplicate) duplicates++;
      firstSeq = firstSeq === null ? ack.seq : Math.min(firstSeq, ack.seq);
      lastSeq = lastSeq === null ? ack.seq : Math.max(lastSeq, ack.seq);
    };
    const done = (): void => {
      inFlight--;
      wake?.();
    };
    const waitBelow = async (limit: number): Promise<void> => {
      while (inFlight >= limit && failure === null) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (failure !== null) throw failure;
    };
    for (const file of files) {
      const fileEvents = eventsOfFile(file);
      for (const [eventId, payload] of fileEvents) {
        if (options.rate > 0) {
          const due = started + (events * 1000) / options.rate;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        }
        const sentAt = performance.now();
        inFlight++;
        publisher.publish(settings.subject, encoder.encode(payload), eventId).then(
          (ack) => (settle(ack, sentAt), done()),
          (error: unknown) => ((failure ??= error), done()),
        );
        events++;
        if (inFlight >= windowSize) await waitBelow(windowSize);
      }
      options.onFile?.(file, fileEvents.length);
    }
    await waitBelow(1);
    publisher.close();
  } finally {
    await nc.drain().catch(() => nc.close());
  }
  const durationMs = Math.round(performance.now() - started);
  return {
    files: files.length,
    events,
    duplicates,
    firstSeq,
    lastSeq,
    durationMs,
    eventsPerSecond: durationMs > 0 ? Math.round((events * 1000) / durationMs) : 0,
    ackLatencyMs: latency.summary(),
  };
}
