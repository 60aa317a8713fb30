/**
 * The speed layer: tumbling 1-minute and sliding 5-minute windows per country in event time, with
 * a watermark and allowed lateness. Late events within the lateness update their windows and are
 * counted; events past it are counted and kept in stream.late_events, never silently dropped.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../helpers/cli.js';
import { deleteStreams, requireNats, uniqueStream, withNats } from './nats-harness.js';

const available = await requireNats();
const scratch = tempDir('strata-windows-');
const test = uniqueStream('win');

afterAll(async () => {
  if (available) await deleteStreams(test);
  scratch.cleanup();
});

const event = (id: string, time: string, country: string, invoice: string, quantity: number, price: number): string =>
  JSON.stringify({ event_id: id, invoice_no: invoice, stock_code: '85123A', description: 'HEART', quantity, invoice_date: `2010-12-01 ${time}`, unit_price: price, customer_id: '17850', country });

describe.skipIf(!available)('event-time windows (speed layer)', () => {
  it('aggregates revenue and orders per country per window, counts late events and keeps those past the lateness', async () => {
    const events = [
      event('a', '10:00:10', 'United Kingdom', '1001', 2, 1.5), // 3.00
      event('b', '10:00:40', 'United Kingdom', '1002', 1, 4), // 4.00
      event('c', '10:01:05', 'United Kingdom', '1002', 3, 1), // 3.00, same invoice as b
      event('d', '10:03:00', 'France', '1003', 1, 10),
      event('e', '10:20:00', 'Germany', '1004', 1, 1), // moves the watermark to 10:20
      event('f', '10:16:30', 'Germany', '1005', 1, 2), // behind the watermark, within 5 minutes: late but counted in
      event('g', '10:00:20', 'United Kingdom', '1006', 1, 100), // its minute closed at 10:06: past the lateness
    ];
    await withNats(async (nc) => {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: test.stream, subjects: [test.subject] });
      const js = nc.jetstream();
      for (const [i, payload] of events.entries()) await js.publish(test.subject, new TextEncoder().encode(payload), { msgID: `w${i}` });
    });
    const dataDir = path.join(scratch.dir, 'data');
    // One event per micro-batch, so each sees the watermark its predecessors set.
    // Runs until stopped: the test watches its metrics until all seven are in, then stops it with SIGTERM.
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'strata.js'), '--json', '--data-dir', dataDir, 'stream', 'consume', '--batch-size', '1', '--allowed-lateness-ms', '300000', '--metrics-port', String(port), '--process-every', '0'], {
      env: { ...process.env, ...test.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let scraped = '';
    for (let i = 0; i < 100 && !/strata_stream_messages_total\{outcome="loaded"\} 7\b/.test(scraped); i++) {
      await new Promise((r) => setTimeout(r, 150));
      scraped = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    expect(scraped).toMatch(/strata_stream_consumer_lag 0\b/);
    expect(scraped).toMatch(/strata_stream_late_events_total\{within_lateness="false"\} 1\b/);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    expect(JSON.parse(stdout).consumer).toMatchObject({ loaded: 7, lateEvents: 1, tooLateEvents: 1 });

    const instance = await DuckDBInstance.create(path.join(dataDir, 'strata.duckdb'), { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    const rows = async (sql: string): Promise<unknown[]> => (await connection.runAndReadAll(sql)).getRowObjectsJson();
    try {
      expect(
        await rows(`SELECT strftime(window_start, '%H:%M') AS start, country, revenue_gbp::DOUBLE AS revenue, orders::INTEGER AS orders, lines::INTEGER AS lines, late_lines::INTEGER AS late
                    FROM stream.window_sales WHERE window_kind = 'tumbling_1m' ORDER BY window_start, country`),
      ).toEqual([
        { start: '10:00', country: 'United Kingdom', revenue: 7, orders: 2, lines: 2, late: 0 },
        { start: '10:01', country: 'United Kingdom', revenue: 3, orders: 1, lines: 1, late: 0 },
        { start: '10:03', country: 'France', revenue: 10, orders: 1, lines: 1, late: 0 },
        { start: '10:16', country: 'Germany', revenue: 2, orders: 1, lines: 1, late: 1 },
        { start: '10:20', country: 'Germany', revenue: 1, orders: 1, lines: 1, late: 0 },
      ]);
      // Sliding: 5-minute windows starting every minute; the one from 09:57 holds 10:00:10, 10:00:40 and 10:01:05.
      expect(
        await rows(`SELECT strftime(window_start, '%H:%M') AS start, strftime(window_end, '%H:%M') AS end, revenue_gbp::DOUBLE AS revenue, orders::INTEGER AS orders
                    FROM stream.window_sales WHERE window_kind = 'sliding_5m' AND country = 'United Kingdom' ORDER BY window_start`),
      ).toEqual([
        { start: '09:56', end: '10:01', revenue: 7, orders: 2 },
        { start: '09:57', end: '10:02', revenue: 10, orders: 2 },
        { start: '09:58', end: '10:03', revenue: 10, orders: 2 },
        { start: '09:59', end: '10:04', revenue: 10, orders: 2 },
        { start: '10:00', end: '10:05', revenue: 10, orders: 2 },
        { start: '10:01', end: '10:06', revenue: 3, orders: 1 },
      ]);
      expect(await rows(`SELECT strftime(event_time, '%H:%M:%S') AS t, strftime(watermark, '%H:%M:%S') AS watermark, line_total_gbp::DOUBLE AS total FROM stream.late_events`)).toEqual([
        { t: '10:00:20', watermark: '10:20:00', total: 100 },
      ]);
      // The late event still reached bronze and silver like any other: windows are a view, not a filter.
      expect(await rows(`SELECT count(*)::INTEGER AS n FROM silver.transactions`)).toEqual([{ n: 7 }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
