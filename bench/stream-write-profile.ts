/**
 * Profiles the bronze writer alone (no broker): real trading days turned into the messages the
 * consumer hands `writeMicroBatch`, written in micro-batches to a fresh file warehouse, with the
 * wall time of every statement, the commits, and the checkpoint still owed at the end (part of
 * sustained ingest). Process CPU is reported next to wall time because on the shared two cores
 * wall time moves with the load more than with the code.
 *
 * Env: BENCH_DAYS (default 40), BENCH_BATCH (default 20000), BENCH_REPEAT (runs, each on a fresh
 * warehouse; the one with the least CPU is printed in full, default 1), BENCH_EXPLAIN=N (the
 * statements of the N-th micro-batch run as EXPLAIN ANALYZE, printed to stderr).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openWarehouse, type SqlParams, type TransactionSession, type Warehouse } from '../src/engine/index.js';
import { eventsOfFile } from '../src/stream/file-replay.js';
import { writeMicroBatch } from '../src/stream/bronze-writer.js';
import { toIncomingRaw } from '../src/stream/stream-consumer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.resolve(root, '..', 'shared', 'data', 'online-retail', 'by-day');
const DAYS = Number(process.env['BENCH_DAYS'] ?? 40);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 20000);
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 1);
const EXPLAIN = Number(process.env['BENCH_EXPLAIN'] ?? 0);

const encoder = new TextEncoder();
const payloads = readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort().slice(0, DAYS)
  .flatMap((f) => eventsOfFile(path.join(dataDir, f)).map(([, json]) => encoder.encode(json)));
const label = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, 70);

async function profileOnce(): Promise<Record<string, unknown>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'strata-write-profile-'));
  const warehouse = await openWarehouse({ path: path.join(work, 'w.duckdb') });
  await migrate(warehouse);
  const timings = new Map<string, { ms: number; n: number }>();
  let batchNo = 0;
  const time = async <R>(key: string, work: () => Promise<R>): Promise<R> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      const e = timings.get(key) ?? { ms: 0, n: 0 };
      e.ms += performance.now() - t;
      e.n++;
      timings.set(key, e);
    }
  };
  const timed = (tx: TransactionSession): TransactionSession => ({
    ...tx,
    query: ((sql: string, params?: SqlParams) => time(label(sql), () => tx.query(sql, params))) as TransactionSession['query'],
    execute: (sql, params) =>
      time(label(sql), async () => {
        if (batchNo !== EXPLAIN || sql.includes(';')) return tx.execute(sql, params);
        const rows = await tx.query<{ explain_value: string }>(`EXPLAIN ANALYZE ${sql}`, params);
        process.stderr.write(`\n==== ${label(sql)}\n${rows.map((r) => r.explain_value).join('\n')}\n`);
      }),
    appendRows: (table, rows) => time(`appendRows ${table}`, () => tx.appendRows(table, rows)),
  });
  let commitMs = 0;
  const profiled: Warehouse = {
    ...warehouse,
    transaction: async (work) => {
      let workEnd = 0;
      try {
        return await warehouse.transaction(async (tx) => {
          try {
            return await work(timed(tx));
          } finally {
            workEnd = performance.now();
          }
        });
      } finally {
        commitMs += performance.now() - workEnd;
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
  const writeMs = performance.now() - t0;
  // The checkpoint still owed (the WAL's rows written into the database file) is part of sustained ingest.
  await warehouse.execute('CHECKPOINT');
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await warehouse.close();
  rmSync(work, { recursive: true, force: true });
  return {
    events: payloads.length, loaded, batch: BATCH, wallMs: Math.round(wallMs), writeMs: Math.round(writeMs),
    eventsPerSecond: Math.round((payloads.length * 1000) / wallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    toIncomingMs: Math.round(toIncomingMs), commitMs: Math.round(commitMs), finalCheckpointMs: Math.round(wallMs - writeMs),
    statementsMs: Math.round([...timings.values()].reduce((a, t) => a + t.ms, 0)), loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
    statements: [...timings].sort((a, b) => b[1].ms - a[1].ms).map(([sql, t]) => ({ ms: Math.round(t.ms), n: t.n, sql })),
  };
}

const runs: Array<Record<string, unknown>> = [];
for (let i = 0; i < REPEAT; i++) runs.push(await profileOnce());
// On the shared cores the run with the least CPU is the least disturbed one.
const best = runs.reduce((a, b) => ((a['cpuMs'] as number) <= (b['cpuMs'] as number) ? a : b));
console.log(JSON.stringify({ runs: runs.map((r) => ({ wallMs: r['wallMs'], cpuMs: r['cpuMs'], loadAverage: r['loadAverage'] })), best }, null, 2));
