/**
 * Writes one micro-batch of stream messages into bronze in one transaction: the rows as one bulk
 * INSERT from a JSON parameter, a bronze.batches row, and the settled sequences in
 * stream.messages. Redeliveries (same stream sequence) and re-published events (same event id)
 * are recognised against stream.messages inside the same transaction, so bronze holds each
 * published event exactly once whatever the broker redelivers.
 */
import { createHash } from 'node:crypto';
import type { Warehouse, WarehouseSession } from '../engine/index.js';
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

const ROW_TYPE = `[{"seq":"BIGINT","event_id":"VARCHAR","deliveries":"INTEGER","published_at":"VARCHAR",${EVENT_FIELDS.map((f) => `"${f}":"VARCHAR"`).join(',')},"parse_error":"VARCHAR","raw_line":"VARCHAR"}]`;

/** Same formula as file ingest, so a row sent as an event hashes like the file line it came from. */
const ROW_HASH = `CASE WHEN parse_error IS NULL
  THEN md5(concat_ws(chr(31), ${EVENT_FIELDS.map((f) => `coalesce(${f}, chr(30))`).join(', ')}, chr(30)))
  ELSE md5(raw_line) END`;

export async function writeMicroBatch(warehouse: Warehouse, messages: readonly IncomingMessage[], options: WriteOptions): Promise<MicroBatchResult> {
  const rows = messages.map((m) => ({
    seq: m.seq,
    event_id: m.eventId,
    deliveries: m.deliveries,
    published_at: new Date(m.publishedAtMs).toISOString(),
    ...(m.content.kind === 'event' ? m.content.fields : Object.fromEntries(EVENT_FIELDS.map((f) => [f, null]))),
    parse_error: m.content.kind === 'event' ? null : m.content.reason,
    raw_line: m.content.kind === 'event' ? null : m.content.raw,
  }));
  return warehouse.transaction(async (tx) => {
    await tx.execute('DROP TABLE IF EXISTS _stream_in');
    await tx.execute(
      `CREATE TEMP TABLE _stream_in AS
       WITH incoming AS (SELECT unnest(r) FROM (SELECT unnest(from_json($rows, '${ROW_TYPE}')) AS r)),
       applied_events AS (
         SELECT DISTINCT event_id FROM stream.messages
         WHERE stream_name = $stream AND outcome <> 'duplicate' AND event_id IN (SELECT event_id FROM incoming)
       )
       SELECT i.*,
              CASE WHEN s.stream_seq IS NOT NULL THEN 'settled'
                   WHEN a.event_id IS NOT NULL OR row_number() OVER (PARTITION BY i.event_id ORDER BY i.seq) > 1 THEN 'duplicate'
                   ELSE 'new' END AS fate
       FROM incoming i
       LEFT JOIN (SELECT stream_seq FROM stream.messages
                  -- sequences arrive nearly in order, so this range lets the engine skip old row groups
                  WHERE stream_name = $stream AND stream_seq BETWEEN (SELECT min(seq) FROM incoming) AND (SELECT max(seq) FROM incoming)) s
         ON s.stream_seq = i.seq
       LEFT JOIN applied_events a ON a.event_id = i.event_id`,
      { rows: JSON.stringify(rows), stream: options.stream },
    );
    const fates = await tx.query<{ seq: number; fate: string; dead: boolean }>(
      `SELECT seq::DOUBLE AS seq, fate, parse_error IS NOT NULL AS dead FROM _stream_in WHERE fate <> 'settled' ORDER BY seq`,
    );
    const fresh = fates.filter((f) => f.fate === 'new');
    const duplicates = fates.length - fresh.length;
    const bySeq = new Map(messages.map((m) => [m.seq, m]));
    const letters: DeadLetter[] = fresh.filter((f) => f.dead).map((f) => {
      const m = bySeq.get(f.seq)!;
      const content = m.content as Extract<IncomingMessage['content'], { kind: 'dead_letter' }>;
      return { seq: m.seq, eventId: m.eventId, reason: content.reason, payload: content.payload, deliveries: m.deliveries };
    });

    let batchId: string | null = null;
    let window: WindowUpdate | null = null;
    if (fresh.length > 0) {
      batchId = batchIdFor(options.stream, fresh.map((f) => f.seq));
      await insertRows(tx, batchId, fresh.map((f) => bySeq.get(f.seq)!), letters.length, options);
      window = await updateWindows(tx, options.stream, options.allowedLatenessMs, options.defaultDateOrder);
    }
    await tx.execute(
      `INSERT INTO stream.messages
       SELECT $stream, seq, event_id, CASE WHEN fate = 'duplicate' THEN 'duplicate' WHEN parse_error IS NULL THEN 'loaded' ELSE 'dead_letter' END,
              CASE WHEN fate = 'new' THEN $batch_id END, CASE WHEN fate = 'new' THEN parse_error END, deliveries,
              TRY_CAST(published_at AS TIMESTAMP), now()
       FROM _stream_in WHERE fate <> 'settled'`,
      { stream: options.stream, batch_id: batchId },
    );
    await tx.execute('DROP TABLE IF EXISTS _stream_in');
    if (letters.length) await options.deadLetter(letters);
    return { batchId, messages: messages.length, loaded: fresh.length - letters.length, deadLettered: letters.length, duplicates, alreadySettled: messages.length - fates.length, window };
  });
}

/** Stable for a given set of sequences, so the batch id is the same on every machine and retry. */
function batchIdFor(stream: string, seqs: readonly number[]): string {
  return `s_${createHash('sha256').update(`${stream}:${seqs.join(',')}`).digest('hex').slice(0, 20)}`;
}

async function insertRows(tx: WarehouseSession, batchId: string, fresh: readonly IncomingMessage[], unparseable: number, options: WriteOptions): Promise<void> {
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     SELECT ${EVENT_FIELDS.join(', ')}, NULL::JSON, parse_error, raw_line, $batch_id, 'stream', $file, seq, now(), ${ROW_HASH}
     FROM _stream_in WHERE fate = 'new' ORDER BY seq`,
    { batch_id: batchId, file: options.sourceName },
  );
  const [dates] = await tx.query<{ iso: number; short: number; max_first: number | null; max_second: number | null }>(
    `SELECT count(*) FILTER (WHERE is_iso)::INTEGER AS iso,
            count(*) FILTER (WHERE NOT is_iso AND TRY_CAST(second AS INTEGER) IS NOT NULL)::INTEGER AS short,
            max(TRY_CAST(first AS INTEGER)) FILTER (WHERE NOT is_iso) AS max_first,
            max(TRY_CAST(second AS INTEGER)) FILTER (WHERE NOT is_iso) AS max_second
     FROM (SELECT is_iso,
                  CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 1) END AS first,
                  CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 2) END AS second
           FROM (SELECT invoice_date, coalesce(ltrim(invoice_date) LIKE '____-%', false) AS is_iso FROM _stream_in WHERE fate = 'new'))`,
  );
  const order = decideDateOrder(dates, options.defaultDateOrder);
  const hash = createHash('sha256');
  for (const m of fresh) hash.update(`${m.seq}:${m.eventId}\n`);
  await tx.execute(
    `INSERT INTO bronze.batches
       (batch_id, run_id, source, file_path, file_name, content_hash, bytes, encoding, delimiter, header, column_map, schema_drift,
        date_order, date_order_source, lines_read, blank_lines, rows_in, rows_unparseable, status, loaded_at)
     VALUES ($batch_id, $run_id, 'stream', $file, $subject, $hash, $bytes::BIGINT, 'utf-8', '', $header::JSON, $map::JSON, '[]'::JSON,
             $order, $order_source, $rows::BIGINT, 0, $rows::BIGINT, $unparseable::BIGINT, 'loaded', now())`,
    {
      batch_id: batchId,
      run_id: options.runId,
      file: options.sourceName,
      subject: options.subject,
      hash: hash.digest('hex'),
      bytes: String(fresh.reduce((s, m) => s + m.payloadBytes, 0)),
      header: JSON.stringify(['event_id', ...EVENT_FIELDS]),
      map: JSON.stringify(Object.fromEntries(EVENT_FIELDS.map((f) => [f, f]))),
      order: order.order,
      order_source: order.how,
      rows: String(fresh.length),
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
