/**
 * Writes one micro-batch of stream messages into bronze in one transaction: the rows as one bulk
 * INSERT from a staging table the appender fills, a bronze.batches row, and the settled sequences in
 * stream.messages. Redeliveries (same stream sequence) and re-published events (same event id)
 * are recognised against stream.messages inside the same transaction, so bronze holds each
 * published event exactly once whatever the broker redelivers.
 */
import type { AppendValue, Warehouse, WarehouseSession } from '../engine/index.js';
import type { DeadLetter, IncomingMessage, MicroBatchResult } from './micro-batch.js';
import { updateWindows, type WindowUpdate } from './speed-layer.js';
import { EVENT_FIELDS } from './transaction-event.js';

export interface WriteOptions {
  readonly stream: string;
  /** `_file` of the rows: `nats:<stream>/<subject>`. */
  readonly sourceName: string;
  readonly subject: string;
  readonly runId: string;
  readonly defaultDateOrder: 'mdy' | 'dmy';
  /** How far behind the watermark an event may arrive and still change its windows. */
  readonly allowedLatenessMs: number;
  /**
   * Called inside the transaction, before the commit, with the new dead letters. Publishing them
   * with an idempotent message id there means a crash can repeat the publish but never lose it.
   */
  readonly deadLetter: (letters: readonly DeadLetter[]) => Promise<void>;
}

/** Staging table of one micro-batch, filled with the appender (columns in this order). */
const STAGE_COLUMNS = `idx INTEGER, seq BIGINT, event_id VARCHAR, later_copy BOOLEAN, deliveries INTEGER, published_ms BIGINT, bytes BIGINT, ${EVENT_FIELDS.map((f) => `${f} VARCHAR`).join(', ')}, parse_error VARCHAR, raw_line VARCHAR`;

/** Same formula as file ingest, so a row sent as an event hashes like the file line it came from. */
const ROW_HASH = `CASE WHEN parse_error IS NULL
  THEN md5(concat_ws(chr(31), ${EVENT_FIELDS.map((f) => `coalesce(${f}, chr(30))`).join(', ')}, chr(30)))
  ELSE md5(raw_line) END`;

export async function writeMicroBatch(warehouse: Warehouse, batch: readonly IncomingMessage[], options: WriteOptions): Promise<MicroBatchResult> {
  // One row per stream sequence: a batch holding a redelivered copy of a message it already
  // carries would otherwise break stream.messages' key and fail on every retry. The copy counts
  // as a redelivery of a settled message (the first copy settles it, in this transaction).
  const messages = uniqueBySeq(batch);
  const copies = batch.length - messages.length;
  // An event id carried twice in the batch (re-published under another sequence) is loaded once,
  // from its lowest sequence: decided here with a map, where a window over the staged rows
  // partitioned by event id was most of the statement that sorts out the fates.
  const firstSeq = new Map<string, number>();
  for (const m of messages) {
    const seen = firstSeq.get(m.eventId);
    if (seen === undefined || m.seq < seen) firstSeq.set(m.eventId, m.seq);
  }
  const nulls = EVENT_FIELDS.map(() => null);
  const rows = messages.map((m, idx): AppendValue[] => {
    const head = [idx, m.seq, m.eventId, firstSeq.get(m.eventId) === m.seq ? 0 : 1, m.deliveries, m.publishedAtMs, m.payloadBytes];
    if (m.content.kind === 'event') {
      const f = m.content.fields;
      return [...head, ...EVENT_FIELDS.map((name) => f[name] ?? null), null, null];
    }
    return [...head, ...nulls, m.content.reason, m.content.raw];
  });
  return warehouse.transaction(async (tx) => {
    // The rows go in through the appender (no JSON round trip); the table is temporary, so only the
    // statements below, inside this transaction, copy them anywhere that lasts.
    await tx.execute(`CREATE OR REPLACE TEMP TABLE _stream_stage (${STAGE_COLUMNS})`);
    await tx.appendRows('temp._stream_stage', rows);
    await tx.execute(
      `CREATE OR REPLACE TEMP TABLE _stream_in AS
       WITH incoming AS (SELECT * EXCLUDE (published_ms), epoch_ms(published_ms) AS published_at FROM _stream_stage),
       applied_events AS (
         SELECT DISTINCT event_id FROM stream.messages
         WHERE stream_name = $stream AND outcome <> 'duplicate' AND event_id IN (SELECT event_id FROM incoming)
       )
       SELECT i.*,
              CASE WHEN s.stream_seq IS NOT NULL THEN 'settled'
                   WHEN a.event_id IS NOT NULL OR i.later_copy THEN 'duplicate'
                   ELSE 'new' END AS fate
       FROM incoming i
       LEFT JOIN (SELECT stream_seq FROM stream.messages
                  -- sequences arrive nearly in order, so this range lets the engine skip old row groups
                  WHERE stream_name = $stream AND stream_seq BETWEEN (SELECT min(seq) FROM incoming) AND (SELECT max(seq) FROM incoming)) s
         ON s.stream_seq = i.seq
       LEFT JOIN applied_events a ON a.event_id = i.event_id`,
      { stream: options.stream },
    );
    // Only counts, the batch's identity and the new dead letters come back to JavaScript, not a row per message.
    // With them the new rows' date spellings, for the batch's date order (the rule file ingest applies to a file).
    const [counts] = await tx.query<BatchCounts>(
      `SELECT count(*) FILTER (WHERE fate = 'new')::INTEGER AS fresh, count(*) FILTER (WHERE fate = 'duplicate')::INTEGER AS duplicates,
              count(*) FILTER (WHERE fate = 'settled')::INTEGER AS settled,
              list(idx ORDER BY seq) FILTER (WHERE fate = 'new' AND parse_error IS NOT NULL) AS dead,
              -- stable for a given set of sequences, so the batch id is the same on every machine and retry
              's_' || left(sha256($stream || ':' || string_agg(seq::VARCHAR, ',' ORDER BY seq) FILTER (WHERE fate = 'new')), 20) AS batch_id,
              sha256(string_agg(seq::VARCHAR || ':' || event_id || chr(10), '' ORDER BY seq) FILTER (WHERE fate = 'new')) AS content_hash,
              (sum(bytes) FILTER (WHERE fate = 'new'))::VARCHAR AS bytes,
              count(*) FILTER (WHERE fate = 'new' AND is_iso)::INTEGER AS iso,
              count(*) FILTER (WHERE fate = 'new' AND NOT is_iso AND TRY_CAST(second AS INTEGER) IS NOT NULL)::INTEGER AS short,
              max(TRY_CAST(first AS INTEGER)) FILTER (WHERE fate = 'new' AND NOT is_iso) AS max_first,
              max(TRY_CAST(second AS INTEGER)) FILTER (WHERE fate = 'new' AND NOT is_iso) AS max_second
       FROM (SELECT fate, idx, seq, event_id, bytes, parse_error, is_iso,
                    CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 1) END AS first,
                    CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 2) END AS second
             FROM (SELECT fate, idx, seq, event_id, bytes, parse_error, invoice_date, coalesce(ltrim(invoice_date) LIKE '____-%', false) AS is_iso FROM _stream_in))`,
      { stream: options.stream },
    );
    const fresh = counts?.fresh ?? 0;
    const duplicates = counts?.duplicates ?? 0;
    const letters: DeadLetter[] = (counts?.dead ?? []).map((idx) => {
      const m = messages[idx]!;
      const content = m.content as Extract<IncomingMessage['content'], { kind: 'dead_letter' }>;
      return { seq: m.seq, eventId: m.eventId, reason: content.reason, payload: content.payload, deliveries: m.deliveries };
    });

    let batchId: string | null = null;
    let window: WindowUpdate | null = null;
    if (fresh > 0) {
      batchId = counts!.batch_id;
      await insertRows(tx, counts!, letters.length, options);
      window = await updateWindows(tx, options.stream, options.allowedLatenessMs, options.defaultDateOrder);
    }
    await tx.execute(
      `INSERT INTO stream.messages
       SELECT $stream, seq, event_id, CASE WHEN fate = 'duplicate' THEN 'duplicate' WHEN parse_error IS NULL THEN 'loaded' ELSE 'dead_letter' END,
              CASE WHEN fate = 'new' THEN $batch_id END, CASE WHEN fate = 'new' THEN parse_error END, deliveries,
              published_at, now()
       FROM _stream_in WHERE fate <> 'settled'`,
      { stream: options.stream, batch_id: batchId },
    );
    if (letters.length) await options.deadLetter(letters);
    return { batchId, messages: batch.length, loaded: fresh - letters.length, deadLettered: letters.length, duplicates, alreadySettled: (counts?.settled ?? 0) + copies, window };
  });
}

/** The first copy of each stream sequence, in batch order (the batch itself when there are no copies). */
function uniqueBySeq(batch: readonly IncomingMessage[]): readonly IncomingMessage[] {
  const seen = new Set<number>();
  let unique: IncomingMessage[] | null = null;
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i]!;
    if (!seen.has(m.seq)) {
      seen.add(m.seq);
      unique?.push(m);
    } else {
      unique ??= batch.slice(0, i);
    }
  }
  return unique ?? batch;
}

interface BatchCounts {
  readonly fresh: number;
  readonly duplicates: number;
  readonly settled: number;
  /** Places in the batch of the new dead letters. */
  readonly dead: readonly number[] | null;
  readonly batch_id: string;
  readonly content_hash: string;
  readonly bytes: string;
  readonly iso: number;
  readonly short: number;
  readonly max_first: number | null;
  readonly max_second: number | null;
}

async function insertRows(tx: WarehouseSession, batch: BatchCounts, unparseable: number, options: WriteOptions): Promise<void> {
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     SELECT ${EVENT_FIELDS.join(', ')}, NULL::JSON, parse_error, raw_line, $batch_id, 'stream', $file, seq, now(), ${ROW_HASH}
     FROM _stream_in WHERE fate = 'new'`,
    { batch_id: batch.batch_id, file: options.sourceName },
  );
  const order = decideDateOrder(batch, options.defaultDateOrder);
  await tx.execute(
    `INSERT INTO bronze.batches
       (batch_id, run_id, source, file_path, file_name, content_hash, bytes, encoding, delimiter, header, column_map, schema_drift,
        date_order, date_order_source, lines_read, blank_lines, rows_in, rows_unparseable, status, loaded_at)
     VALUES ($batch_id, $run_id, 'stream', $file, $subject, $hash, $bytes::BIGINT, 'utf-8', '', $header::JSON, $map::JSON, '[]'::JSON,
             $order, $order_source, $rows::BIGINT, 0, $rows::BIGINT, $unparseable::BIGINT, 'loaded', now())`,
    {
      batch_id: batch.batch_id,
      run_id: options.runId,
      file: options.sourceName,
      subject: options.subject,
      hash: batch.content_hash,
      bytes: batch.bytes,
      header: JSON.stringify(['event_id', ...EVENT_FIELDS]),
      map: JSON.stringify(Object.fromEntries(EVENT_FIELDS.map((f) => [f, f]))),
      order: order.order,
      order_source: order.how,
      rows: String(batch.fresh),
      unparseable: String(unparseable),
    },
  );
}

/** The rule file ingest applies to a file, applied to a micro-batch. */
function decideDateOrder(
  c: { iso: number; short: number; max_first: number | null; max_second: number | null } | undefined,
  fallback: 'mdy' | 'dmy',
): { order: string; how: string } {
  if (!c || c.iso + c.short === 0) return { order: '', how: '' };
  if (c.iso >= c.short) return { order: 'iso', how: 'detected' };
  if ((c.max_first ?? 0) > 12) return { order: 'dmy', how: 'detected' };
  if ((c.max_second ?? 0) > 12) return { order: 'mdy', how: 'detected' };
  return { order: fallback, how: 'assumed' };
}
