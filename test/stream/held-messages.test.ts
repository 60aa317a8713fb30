/**
 * Messages the consumer holds without having acknowledged them yet: the next micro-batch waiting
 * in the buffer while one commits and quality + silver run, longer than ack_wait. Regression for
 * the reverted stream-speed merge, where JetStream redelivered such messages meanwhile: the buffer
 * held two copies of one sequence, the micro-batch with both broke stream.messages' key on every
 * retry, and the redeliveries piled up until the events were dead-lettered past maxDeliveries.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, type Warehouse } from '../../src/engine/index.js';
import { consumeStream, ensureTopology, eventsOfFile, parseEvent, streamSettings, writeMicroBatch, type IncomingMessage, type ParsedEvent } from '../../src/stream/index.js';
import { MessageBuffer } from '../../src/stream/message-buffer.js';
import { loadConfig } from '../../src/config/index.js';
import { realDataDir, tempDir } from '../helpers/cli.js';
import { deleteStreams, requireNats, uniqueStream, withNats } from './nats-harness.js';

const available = await requireNats();
const scratch = tempDir('strata-held-');
const test = uniqueStream('held');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function freshWarehouse(name: string): Promise<Warehouse> {
  const warehouse = await openWarehouse({ path: path.join(scratch.dir, `${name}.duckdb`) });
  await migrate(warehouse);
  return warehouse;
}

afterAll(async () => {
  if (available) await deleteStreams(test);
  scratch.cleanup();
});

describe('a redelivered copy of a message the consumer still holds', () => {
  it('replaces the copy in the buffer instead of joining the micro-batch twice', async () => {
    const buffer = new MessageBuffer<{ seq: number; delivery: number }>(3, 10_000, (m) => m.seq);
    buffer.push({ seq: 1, delivery: 1 });
    buffer.push({ seq: 2, delivery: 1 });
    buffer.push({ seq: 1, delivery: 2 });
    expect(buffer.size).toBe(2);
    buffer.push({ seq: 3, delivery: 1 });
    // Full at three distinct sequences; the redelivery kept seq 1's place and is the copy handed out.
    expect(await buffer.next(1000)).toEqual([{ seq: 1, delivery: 2 }, { seq: 2, delivery: 1 }, { seq: 3, delivery: 1 }]);
    expect(buffer.size).toBe(0);
  });

  it('is written once when a micro-batch carries it twice, and counted as redelivered', async () => {
    const warehouse = await freshWarehouse('writer');
    try {
      const [first, second] = eventsOfFile(path.join(realDataDir, '2010-12-01.csv')).slice(0, 2).map(([, payload]) => parseEvent(new TextEncoder().encode(payload)));
      const message = (seq: number, deliveries: number, parsed: ParsedEvent | undefined): IncomingMessage => {
        if (parsed?.kind !== 'event') throw new Error('a real file line parses as an event');
        return { seq, eventId: parsed.event.event_id, deliveries, publishedAtMs: Date.parse('2026-01-01T00:00:00Z'), payloadBytes: 100, content: { kind: 'event', fields: parsed.event.fields } };
      };
      const result = await writeMicroBatch(warehouse, [message(1, 1, first!), message(2, 1, second!), message(1, 2, first!)], {
        stream: 'HELD_WRITER',
        subject: 'held.writer',
        sourceName: 'nats:HELD_WRITER/held.writer',
        runId: 'held-writer-run',
        defaultDateOrder: 'mdy',
        allowedLatenessMs: 300_000,
        deadLetter: async () => undefined,
      });
      expect(result).toMatchObject({ messages: 3, loaded: 2, deadLettered: 0, duplicates: 0, alreadySettled: 1 });
      const [rows] = await warehouse.query<{ bronze: number; settled: number }>(
        `SELECT (SELECT count(*) FROM bronze.transactions_raw)::INTEGER AS bronze, (SELECT count(*) FROM stream.messages WHERE stream_name = 'HELD_WRITER')::INTEGER AS settled`,
      );
      expect(rows).toEqual({ bronze: 2, settled: 2 });
    } finally {
      await warehouse.close();
    }
  });
});

describe.skipIf(!available)('messages held past ack_wait before their micro-batch commits (real NATS)', () => {
  it('are neither redelivered nor dead-lettered while quality and silver are slower than ack_wait', async () => {
    const settings = streamSettings(
      loadConfig({ natsUrl: test.env['STRATA_NATS_URL'], streamName: test.stream, streamSubject: test.subject, streamBatchSize: 300, streamAckWaitMs: 1000, streamMaxDeliveries: 2 }),
    );
    const events = eventsOfFile(path.join(realDataDir, '2010-12-01.csv')).slice(0, 1500);
    await withNats(async (nc) => {
      await ensureTopology(await nc.jetstreamManager(), settings, { consumer: true });
      const js = nc.jetstream();
      for (const [id, payload] of events) await js.publish(test.subject, new TextEncoder().encode(payload), { msgID: id });
    });

    const warehouse = await freshWarehouse('consumer');
    try {
      let processed = 0;
      const started = performance.now();
      const report = await consumeStream(warehouse, settings, {
        runId: 'held-run',
        defaultDateOrder: 'mdy',
        idleExitMs: 1500,
        // Stands in for quality + silver on a busy machine: 1.6 s after every micro-batch, while the
        // next one (up to max_ack_pending = 2 batches) waits in the buffer, unacknowledged.
        processEveryMs: 0,
        processPending: async () => {
          processed++;
          await sleep(1600);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      expect(report).toMatchObject({ messages: events.length, loaded: events.length, deadLettered: 0, duplicates: 0, alreadySettled: 0, lag: 0 });
      expect(processed).toBeGreaterThanOrEqual(5);
      const [rows] = await warehouse.query<{ bronze: number; loaded: number; max_deliveries: number }>(
        `SELECT (SELECT count(*) FROM bronze.transactions_raw)::INTEGER AS bronze,
                count(*) FILTER (WHERE outcome = 'loaded')::INTEGER AS loaded, max(deliveries)::INTEGER AS max_deliveries
         FROM stream.messages WHERE stream_name = $stream`,
        { stream: test.stream },
      );
      // Every event delivered once: waiting in the buffer cost no delivery.
      expect(rows).toEqual({ bronze: events.length, loaded: events.length, max_deliveries: 1 });
      // Five batches of 1.6 s each plus the idle exit; the stalled consumer retried for ~90 s.
      expect(seconds).toBeLessThan(60);
    } finally {
      await warehouse.close();
    }
  }, 120_000);
});
