/**
 * Profiles the bronze writer alone (no broker): real trading days turned into the messages the
 * consumer hands `writeMicroBatch`, written in micro-batches to a fresh file warehouse, with the
 * wall and engine time of every statement. Process CPU is reported next to wall time because on
 * the shared two cores wall time moves with the load more than with the code.
 *
 * Env: BENCH_DAYS (default 40), BENCH_BATCH (default 20000).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openWarehouse, type TransactionSession, type Warehouse } from '../src/engine/index.js';
import { eventsOfFile } from '../src/stream/file-replay.js';
import { writeMicroBatch } from '../src/stream/bronze-writer.js';
import { toIncomingRaw } from '../src/stream/stream-consumer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.resolve(root, '..', 'shared', 'data', 'online-retail', 'by-day');
const DAYS = Number(process.env['BENCH_DAYS'] ?? 40);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 20000);
const EXPLAIN = Number(process.env['BENCH_EXPLAIN'] ?? 0);
let batchNo = 0;

const encoder = new TextEncoder();
const payloads = readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, DAYS)
  .flatMap((f) => eventsOfFile(path.join(dataDir, f)).map(([, json]) => encoder.encode(json)));

const work = mkdtempSync(path.join(os.tmpdir(), 'strata-write-profile-'));
const warehouse = await openWarehouse({ path: path.join(work, 'w.duckdb') });
await migrate(warehouse);
if (process.env['BENCH_CHECKPOINT']) await warehouse.execute(`SET checkpoint_threshold = '${process.env['BENCH_CHECKPOINT'].replace(/[^0-9A-Za-z]/g, '')}'`);

const timings = new Map<string, { ms: number; n: number }>();
const timed = (tx: TransactionSession): TransactionSession => {
  const wrap = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, label: (...a: A) => string) => async (...a: A): Promise<R> => {
    const t = performance.now();
    try {
      return await fn(...a);
    } finally {
      const key = label(...a);
      const e = timings.get(key) ?? { ms: 0, n: 0 };
      e.ms += performance.now() - t;
      e.n++;
      timings.set(key, e);
    }
  };
  const label = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, 70);
  // BENCH_EXPLAIN=N: the statements of the N-th micro-batch run as EXPLAIN ANALYZE, printed to stderr.
  const explain = async (sql: string, params?: Parameters<TransactionSession['execute']>[1]): Promise<void> => {
    if (batchNo !== EXPLAIN || sql.includes(';') || sql.startsWith('SELECT')) return;
    const rows = await tx.query<{ explain_value: string }>(`EXPLAIN ANALYZE ${sql}`, params);
    process.stderr.write(`\n==== ${label(sql)}\n${rows.map((r) => r.explain_value).join('\n')}\n`);
  };
  return {
    ...tx,
    query: wrap(tx.query.bind(tx), label) as TransactionSession['query'],
    execute: wrap(async (sql: string, params?: Parameters<TransactionSession['execute']>[1]) => {
      if (batchNo === EXPLAIN && !sql.includes(';') && !sql.startsWith('SELECT')) return explain(sql, params);
      return tx.execute(sql, params);
    }, label),
    appendRows: wrap(tx.appendRows.bind(tx), (table) => `appendRows ${table}`),
    copyFromCsv: tx.copyFromCsv.bind(tx),
  };
};
let commitMs = 0;
let outsideMs = 0;
const profiled: Warehouse = {
  ...warehouse,
  transaction: async (work) => {
    const t = performance.now();
    let workEnd = 0;
    try {
      return await warehouse.transaction(async (tx) => {
        outsideMs += performance.now() - t;
        try {
          return await work(timed(tx));
        } finally {
          workEnd = performance.now();
        }
      });
    } finally {
      commitMs += performance.now() - workEnd;
      if (process.env["BENCH_VERBOSE"]) process.stderr.write(`commit ${Math.round(performance.now() - workEnd)} ms\n`);
    }
  },
};

const cpu0 = process.cpuUsage();
const t0 = performance.now();
let toIncomingMs = 0;
let loaded = 0;
for (let start = 0; start < payloads.length; start += BATCH) {
  batchNo++;
  const t = performance.now();
  const batch = payloads.slice(start, start + BATCH).map((data, i) =>
    toIncomingRaw({ seq: start + i + 1, deliveries: 1, publishedAtMs: Date.now(), data, headerId: () => `seq:${start + i + 1}` }, 5));
  toIncomingMs += performance.now() - t;
  const result = await writeMicroBatch(profiled, batch, {
    stream: 'PROFILE', subject: 'profile', sourceName: 'nats:PROFILE/profile', runId: 'profile', defaultDateOrder: 'mdy',
    allowedLatenessMs: 300_000, deadLetter: async () => undefined,
  });
  loaded += result.loaded;
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const statements = [...timings].sort((a, b) => b[1].ms - a[1].ms).map(([sql, t]) => ({ ms: Math.round(t.ms), n: t.n, sql }));
console.log(JSON.stringify({
  events: payloads.length, loaded, batch: BATCH, wallMs: Math.round(wallMs), eventsPerSecond: Math.round((payloads.length * 1000) / wallMs),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000), toIncomingMs: Math.round(toIncomingMs), beginMs: Math.round(outsideMs), commitMs: Math.round(commitMs), statementsMs: Math.round([...timings.values()].reduce((a, t) => a + t.ms, 0)), loadAverage: os.loadavg()[0]!.toFixed(2), statements,
}, null, 2));
await warehouse.close();
rmSync(work, { recursive: true, force: true });
