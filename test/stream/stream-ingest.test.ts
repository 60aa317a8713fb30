/**
 * Streaming ingestion against a real NATS JetStream: the real December 2010 replayed as events
 * lands in bronze exactly as the files do; duplicates, out-of-order events, poison messages and
 * crash-looping messages are handled; a consumer killed with SIGKILL mid-stream and restarted
 * loses nothing and doubles nothing, and the per-batch accounting adds up.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { AckPolicy, headers, type JetStreamClient } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ensureTopology, eventsOfFile, streamSettings } from '../../src/stream/index.js';
import { projectRoot, realDataDir, runCli, tempDir } from '../helpers/cli.js';
import { deleteStreams, requireNats, uniqueStream, withNats, type TestStream } from './nats-harness.js';

const available = await requireNats();
const scratch = tempDir('strata-stream-');
const december = readdirSync(realDataDir).filter((f) => f >= '2010-12-01.csv' && f <= '2010-12-23.csv').sort();
const input = path.join(scratch.dir, 'december');
const main = uniqueStream('dec');
const edge = uniqueStream('edge');

async function query<T = Record<string, unknown>>(file: string, sql: string, attach?: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    if (attach) await connection.run(`ATTACH '${attach}' AS files (READ_ONLY)`);
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const warehouseOf = (dataDir: string): string => path.join(dataDir, 'strata.duckdb');

/** Per stream batch, rows in = rows to silver + quarantined + duplicates removed, and every batch is processed. */
async function expectBooksBalance(dataDir: string): Promise<{ rows_in: number; batches: number }> {
  const [books] = await query<{ batches: number; pending: number; unbalanced: number; rows_in: number; bronze_rows: number }>(
    warehouseOf(dataDir),
    `SELECT count(*)::INTEGER AS batches,
            count(*) FILTER (WHERE status <> 'processed')::INTEGER AS pending,
            count(*) FILTER (WHERE rows_in <> rows_to_silver + rows_quarantined + duplicates_removed)::INTEGER AS unbalanced,
            sum(rows_in)::INTEGER AS rows_in,
            (SELECT count(*) FROM bronze.transactions_raw WHERE _source = 'stream')::INTEGER AS bronze_rows
     FROM bronze.batches WHERE source = 'stream'`,
  );
  expect(books).toMatchObject({ pending: 0, unbalanced: 0 });
  expect(books!.rows_in).toBe(books!.bronze_rows);
  return { rows_in: books!.rows_in, batches: books!.batches };
}

beforeAll(async () => {
  for (const day of december) cpSync(path.join(realDataDir, day), path.join(input, day));
});

afterAll(async () => {
  if (available) await deleteStreams(main, edge);
  scratch.cleanup();
});

describe.skipIf(!available)('strata stream (NATS JetStream -> bronze, exactly once)', () => {
  let published = 0;

  it('replays the real December 2010 as events, one per file line', async () => {
    expect(december).toHaveLength(20);
    const produced = await runCli(['--json', 'stream', 'produce', '--from', input], { dataDir: path.join(scratch.dir, 'producer'), env: main.env });
    expect(produced.code, produced.stderr).toBe(0);
    const lines = december.reduce((n, day) => n + eventsOfFile(path.join(input, day)).length, 0);
    expect(produced.json).toMatchObject({ files: 20, events: lines, duplicates: 0, firstSeq: 1, lastSeq: lines });
    published = lines;
  });

  it('loads exactly the file rows into bronze, and silver matches a file run', async () => {
    const streamDir = path.join(scratch.dir, 'consumer');
    const fileDir = path.join(scratch.dir, 'files');
    const [consumed, fileRun] = await Promise.all([
      runCli(['--json', 'stream', 'consume', '--until-idle', '1500', '--process-every', '10000'], { dataDir: streamDir, env: main.env }),
      runCli(['--json', 'run', input], { dataDir: fileDir }),
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(fileRun.code, fileRun.stderr).toBe(0);
    expect(consumed.json.consumer).toMatchObject({ messages: published, loaded: published, deadLettered: 0, duplicates: 0, lag: 0 });

    // Each event id is `<file sha256>:<line>`: the stream's rows, keyed by it, equal the file rows keyed by batch hash and line.
    const columns = 'invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country, _row_hash';
    const [diff] = await query<{ stream_rows: number; file_rows: number; only_stream: number; only_file: number }>(
      warehouseOf(streamDir),
      `WITH s AS (SELECT m.event_id AS id, ${columns.split(', ').map((c) => `r.${c}`).join(', ')}
                  FROM bronze.transactions_raw r JOIN stream.messages m ON m.stream_seq = r._line AND m.stream_name = '${main.stream}'),
            f AS (SELECT b.content_hash || ':' || r._line AS id, ${columns.split(', ').map((c) => `r.${c}`).join(', ')}
                  FROM files.bronze.transactions_raw r JOIN files.bronze.batches b ON b.batch_id = r._batch_id)
       SELECT (SELECT count(*) FROM s)::INTEGER AS stream_rows, (SELECT count(*) FROM f)::INTEGER AS file_rows,
              (SELECT count(*) FROM (SELECT * FROM s EXCEPT ALL SELECT * FROM f))::INTEGER AS only_stream,
              (SELECT count(*) FROM (SELECT * FROM f EXCEPT ALL SELECT * FROM s))::INTEGER AS only_file`,
      warehouseOf(fileDir),
    );
    expect(diff).toEqual({ stream_rows: published, file_rows: published, only_stream: 0, only_file: 0 });

    const books = await expectBooksBalance(streamDir);
    expect(books.rows_in).toBe(published);
    const [silver] = await query<{ same: boolean; lines: number }>(
      warehouseOf(streamDir),
      `SELECT (SELECT count(*) FROM silver.transactions) = (SELECT count(*) FROM files.silver.transactions)
              AND (SELECT sum(line_total_gbp) FROM silver.transactions) = (SELECT sum(line_total_gbp) FROM files.silver.transactions)
              AND (SELECT count(*) FROM silver.duplicates) = (SELECT count(*) FROM files.silver.duplicates)
              AND (SELECT count(*) FROM quality.quarantine) = (SELECT count(*) FROM files.quality.quarantine) AS same,
              (SELECT count(*) FROM silver.transactions)::INTEGER AS lines`,
      warehouseOf(fileDir),
    );
    expect(silver).toEqual({ same: true, lines: expect.any(Number) });
    expect(silver!.lines).toBeGreaterThan(40_000);
  });

  it('ignores a second replay of the same files (broker de-duplicates by message id)', async () => {
    const again = await runCli(['--json', 'stream', 'produce', '--from', input], { dataDir: path.join(scratch.dir, 'producer'), env: main.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ events: published, duplicates: published });
    const consumed = await runCli(['--json', 'stream', 'consume', '--until-idle', '500'], { dataDir: path.join(scratch.dir, 'consumer'), env: main.env });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.json.consumer).toMatchObject({ messages: 0, loaded: 0 });
  });

  it('loses and doubles nothing when the consumer is killed with SIGKILL mid-stream and restarted', async () => {
    const dataDir = path.join(scratch.dir, 'killed');
    const args = ['stream', 'consume', '--durable', 'killed', '--batch-size', '1500', '--ack-wait-ms', '2000', '--process-every', '1000'];
    const kills: number[] = [];
    for (const [killAfterCommits, extraMs] of [[3, 40], [4, 0]] as const) {
      const committed = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--data-dir', dataDir, ...args], {
          env: { ...process.env, ...main.env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let commits = 0;
        child.stderr.on('data', (chunk: Buffer) => {
          commits += (chunk.toString().match(/^committed /gm) ?? []).length;
          // A little after a commit the consumer is writing or fetching the next micro-batch.
          if (commits >= killAfterCommits) setTimeout(() => child.kill('SIGKILL'), extraMs);
        });
        child.on('close', () => resolve(commits));
      });
      kills.push(committed);
    }
    expect(kills.every((n) => n >= 3)).toBe(true);

    const finished = await runCli(['--json', ...args, '--until-idle', '2500'], { dataDir, env: main.env });
    expect(finished.code, finished.stderr).toBe(0);
    const [rows] = await query<{ rows: number; distinct_events: number; loaded: number; running: number }>(
      warehouseOf(dataDir),
      `SELECT (SELECT count(*) FROM bronze.transactions_raw)::INTEGER AS rows,
              (SELECT count(DISTINCT m.event_id) FROM bronze.transactions_raw r JOIN stream.messages m ON m.stream_seq = r._line)::INTEGER AS distinct_events,
              (SELECT count(*) FROM stream.messages WHERE outcome = 'loaded')::INTEGER AS loaded,
              (SELECT count(*) FROM meta.runs WHERE status = 'running')::INTEGER AS running`,
    );
    expect(rows).toEqual({ rows: published, distinct_events: published, loaded: published, running: 0 });
    const books = await expectBooksBalance(dataDir);
    expect(books.rows_in).toBe(published);
    // Same silver as the uninterrupted consumer.
    const [same] = await query<{ same: boolean }>(
      warehouseOf(dataDir),
      `SELECT (SELECT count(*) FROM silver.transactions) = (SELECT count(*) FROM files.silver.transactions)
              AND (SELECT sum(line_total_gbp) FROM silver.transactions) = (SELECT sum(line_total_gbp) FROM files.silver.transactions) AS same`,
      warehouseOf(path.join(scratch.dir, 'consumer')),
    );
    expect(same?.same).toBe(true);
  });

  it('de-duplicates re-published and out-of-order events, dead-letters poison and crash-looping messages, and keeps flowing', async () => {
    const settings = streamSettings(loadConfig({ natsUrl: edge.env['STRATA_NATS_URL'], streamName: edge.stream, streamSubject: edge.subject, streamMaxDeliveries: 2, streamAckWaitMs: 1000 }));
    const events = eventsOfFile(path.join(input, '2010-12-01.csv')).slice(0, 300);
    // Out of order: odd lines backwards, then even lines forwards.
    const shuffled = [...events.filter((_, i) => i % 2 === 1).reverse(), ...events.filter((_, i) => i % 2 === 0)];
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    const poison: Array<[string, Uint8Array]> = [
      ['p-not-json', encode('{"invoice_no": "536365", ')],
      ['p-array', encode('[1, 2, 3]')],
      ['p-missing', encode(JSON.stringify({ event_id: 'missing-quantity', invoice_no: '1', stock_code: 'X', description: 'd', invoice_date: '2010-12-01 08:00:00', unit_price: '1', customer_id: null, country: 'France' }))],
      ['p-no-id', encode(JSON.stringify({ invoice_no: '1' }))],
      ['p-bytes', new Uint8Array([0xff, 0xfe, 0x7b])],
    ];
    const stuck = JSON.stringify({ event_id: 'crash-loop', invoice_no: '999999', stock_code: 'X', description: 'd', quantity: 1, invoice_date: '2010-12-01 08:00:00', unit_price: 1, customer_id: null, country: 'France' });

    const [dlq, brokerDuplicates] = await withNats(async (nc) => {
      const jsm = await nc.jetstreamManager();
      await ensureTopology(jsm, settings, { consumer: true });
      const js: JetStreamClient = nc.jetstream();
      // A message that is delivered and never settled (as if it crashed the consumer) until it runs out of deliveries.
      await js.publish(edge.subject, encode(stuck), { msgID: 'crash-loop' });
      const consumer = await js.consumers.get(edge.stream, settings.durable);
      for (let i = 0; i < 2; i++) {
        const fetched = await consumer.fetch({ max_messages: 1, expires: 2000 });
        for await (const m of fetched) m.nak();
      }
      let dupes = 0;
      for (const [id, payload] of shuffled) await js.publish(edge.subject, encode(payload), { msgID: id });
      // Re-published within the duplicate window with the same id: the broker drops them.
      for (const [id, payload] of events.slice(0, 50)) if ((await js.publish(edge.subject, encode(payload), { msgID: id })).duplicate) dupes++;
      // Re-published without a message id (new stream sequences): the consumer drops them by event id.
      for (const [, payload] of events.slice(100, 200)) await js.publish(edge.subject, encode(payload));
      for (const [id, payload] of poison) await js.publish(edge.subject, payload, { msgID: id });
      // Still flowing after the poison.
      const h = headers();
      h.set('Nats-Msg-Id', 'after-poison');
      await js.publish(edge.subject, encode(JSON.stringify({ event_id: 'after-poison', invoice_no: '536999', stock_code: '22222', description: 'LATE LINE', quantity: '2', invoice_date: '2010-12-01 18:00:00', unit_price: '1.25', customer_id: '12345', country: 'France' })), { headers: h });
      await jsm.streams.info(`${edge.stream}_DLQ`);
      return [jsm, dupes] as const;
    });
    void dlq;
    expect(brokerDuplicates).toBe(50);

    const dataDir = path.join(scratch.dir, 'edge');
    const consumed = await runCli(['--json', 'stream', 'consume', '--until-idle', '1200', '--max-deliveries', '2', '--batch-size', '100'], { dataDir, env: edge.env });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.json.consumer).toMatchObject({ loaded: 301, deadLettered: 6, duplicates: 100, lag: 0 });

    const loadedIds = await query<{ event_id: string }>(warehouseOf(dataDir), `SELECT event_id FROM stream.messages WHERE outcome = 'loaded' ORDER BY 1`);
    expect(loadedIds.map((r) => r.event_id)).toEqual([...events.map(([id]) => id), 'after-poison'].sort());
    const quarantined = await query<{ rule_id: string; reason: string }>(
      warehouseOf(dataDir),
      `SELECT q.rule_id, q.reason FROM quality.quarantine q WHERE q.rule_id = 'row_parses' ORDER BY q.line`,
    );
    expect(quarantined.map((q) => q.reason)).toEqual([
      expect.stringMatching(/not settled after 2 deliveries/),
      expect.stringMatching(/poison message: not valid UTF-8 JSON/),
      expect.stringMatching(/poison message: JSON is not an object/),
      expect.stringMatching(/poison message: missing field\(s\): quantity/),
      expect.stringMatching(/poison message: event_id is missing/),
      expect.stringMatching(/poison message: not valid UTF-8 JSON/),
    ]);
    const books = await expectBooksBalance(dataDir);
    expect(books.rows_in).toBe(301 + 6);

    const letters = await withNats(async (nc) => {
      const js = nc.jetstream();
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.add(`${edge.stream}_DLQ`, { durable_name: 'check', ack_policy: AckPolicy.None });
      const reader = await js.consumers.get(`${edge.stream}_DLQ`, 'check');
      const got: string[] = [];
      for await (const m of await reader.fetch({ max_messages: 20, expires: 1500 })) got.push(m.headers?.get('Strata-Reason') ?? '');
      return got;
    });
    expect(letters).toHaveLength(6);
    expect(letters.join('\n')).toMatch(/missing field\(s\): quantity/);
  });
});
