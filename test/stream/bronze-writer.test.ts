/**
 * What the bronze writer decides in JavaScript and in the engine since the stream-50k round: an
 * event id carried twice in one micro-batch (found with a map, not a window over the staged rows)
 * loads once from its lowest sequence whatever the order in the batch, and the batch id and content
 * hash the engine computes are the values of the JavaScript formula earlier consumers wrote, so a
 * batch retried across versions keeps its id. No broker needed: the writer is called directly.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openWarehouse } from '../../src/engine/index.js';
import { eventsOfFile, parseEvent, writeMicroBatch, type IncomingMessage } from '../../src/stream/index.js';
import { realDataDir, tempDir } from '../helpers/cli.js';

const scratch = tempDir('strata-writer-');
afterAll(() => scratch.cleanup());

const STREAM = 'WRITER_TEST';
const options = {
  stream: STREAM,
  subject: 'writer.test',
  sourceName: `nats:${STREAM}/writer.test`,
  runId: 'writer-test-run',
  defaultDateOrder: 'mdy' as const,
  allowedLatenessMs: 300_000,
  deadLetter: async () => undefined,
};

function message(seq: number, payload: string): IncomingMessage {
  const parsed = parseEvent(new TextEncoder().encode(payload));
  if (parsed.kind !== 'event') throw new Error('a real file line parses as an event');
  return { seq, eventId: parsed.event.event_id, deliveries: 1, publishedAtMs: Date.parse('2026-01-01T00:00:00Z'), payloadBytes: payload.length, content: { kind: 'event', fields: parsed.event.fields } };
}

describe('bronze writer', () => {
  it('loads an event id carried twice in a batch once, from its lowest sequence, with the batch id and hash of the JavaScript formula', async () => {
    const warehouse = await openWarehouse({ path: path.join(scratch.dir, 'writer.duckdb') });
    try {
      await migrate(warehouse);
      const events = eventsOfFile(path.join(realDataDir, '2010-12-01.csv')).slice(0, 4);
      const [a, b, c] = events.map(([, payload]) => payload);
      // Event a re-published as sequence 14 arrives first; its sequence 11 comes later in the batch.
      const batch = [message(14, a!), message(12, b!), message(11, a!), message(13, c!)];
      const result = await writeMicroBatch(warehouse, batch, options);
      expect(result).toMatchObject({ messages: 4, loaded: 3, duplicates: 1, deadLettered: 0, alreadySettled: 0 });

      const settled = await warehouse.query<{ stream_seq: string; outcome: string }>(
        `SELECT stream_seq::VARCHAR AS stream_seq, outcome FROM stream.messages WHERE stream_name = $s ORDER BY stream_seq`,
        { s: STREAM },
      );
      expect(settled).toEqual([
        { stream_seq: '11', outcome: 'loaded' },
        { stream_seq: '12', outcome: 'loaded' },
        { stream_seq: '13', outcome: 'loaded' },
        { stream_seq: '14', outcome: 'duplicate' },
      ]);
      const lines = await warehouse.query<{ line: string }>(`SELECT _line::VARCHAR AS line FROM bronze.transactions_raw ORDER BY _line`);
      expect(lines.map((l) => l.line)).toEqual(['11', '12', '13']);

      // The formula the consumer computed in JavaScript before the engine did.
      const loaded = [batch[2]!, batch[1]!, batch[3]!];
      const batchId = `s_${createHash('sha256').update(`${STREAM}:${loaded.map((m) => m.seq).join(',')}`).digest('hex').slice(0, 20)}`;
      const hash = createHash('sha256');
      for (const m of loaded) hash.update(`${m.seq}:${m.eventId}\n`);
      const [recorded] = await warehouse.query<{ batch_id: string; content_hash: string; bytes: string; rows_in: string }>(
        `SELECT batch_id, content_hash, bytes::VARCHAR AS bytes, rows_in::VARCHAR AS rows_in FROM bronze.batches`,
      );
      expect(result.batchId).toBe(batchId);
      expect(recorded).toEqual({ batch_id: batchId, content_hash: hash.digest('hex'), bytes: String(loaded.reduce((s, m) => s + m.payloadBytes, 0)), rows_in: '3' });
    } finally {
      await warehouse.close();
    }
  });
});
