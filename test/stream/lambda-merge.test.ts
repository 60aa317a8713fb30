/**
 * The lambda merge through real processes: `strata run` builds gold for three real days, the
 * fourth day arrives only as events on a real NATS JetStream (`strata stream produce` ->
 * `strata stream consume`), and a real `strata serve` answers over HTTP. KPIs and the time series
 * include the fourth day from the speed layer; `/api/v1/realtime` shows its windows. Then the
 * batch layer runs over the same day (its daily file arrives) and the answers come from gold
 * alone: the speed layer still holds the day's events, and they are not counted twice.
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { realDataDir, runCli, startServeProcess, tempDir } from '../helpers/cli.js';
import { deleteStreams, requireNats, uniqueStream } from './nats-harness.js';

const available = await requireNats();
const scratch = tempDir('strata-lambda-');
const stream = uniqueStream('lambda');
const BATCH_DAYS = ['2010-12-01.csv', '2010-12-02.csv', '2010-12-03.csv'];
const SPEED_DAY = '2010-12-05';
const dataDir = path.join(scratch.dir, 'warehouse');
const env = {
  ...stream.env,
  STRATA_JWT_SECRET: 'lambda-test-secret-0123456789-abcdefghijklmnop',
  STRATA_ADMIN_PASSWORD: 'lambda-admin-password-1',
  STRATA_LOG_LEVEL: 'warn',
};

async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(path.join(dataDir, 'strata.duckdb'), { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(text)).getRowObjectsJson() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  get(route: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary by route
  stop(): Promise<void>;
}

async function serve(): Promise<Server> {
  const { child, url: listening, exited } = startServeProcess(dataDir, env);
  const url = await listening;
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/ready`).catch(() => null))?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: env.STRATA_ADMIN_PASSWORD }) });
  expect(login.status).toBe(200);
  const token = ((await login.json()) as { access_token: string }).access_token;
  return {
    child,
    url,
    token,
    async get(route) {
      const response = await fetch(`${url}${route}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, `${route}: ${await response.clone().text()}`).toBe(200);
      return response.json();
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Revenue, sale invoices, customers and units of one real day file, computed straight from the CSV. */
async function fileFigures(file: string): Promise<{ revenue_gbp: number; orders: number; customers: number; units: number }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `WITH l AS (SELECT InvoiceNo AS inv, TRY_CAST(Quantity AS DECIMAL(18, 4)) AS q, TRY_CAST(UnitPrice AS DECIMAL(18, 4)) AS p, TRY_CAST(TRY_CAST(CustomerID AS DOUBLE) AS BIGINT) AS c
                  FROM read_csv('${file.replaceAll("'", "''")}', header = true, all_varchar = true))
       SELECT round(sum(q * p), 2)::DOUBLE AS revenue_gbp,
              count(DISTINCT inv) FILTER (WHERE NOT inv LIKE 'C%' AND q > 0)::INTEGER AS orders,
              count(DISTINCT c) FILTER (WHERE NOT inv LIKE 'C%' AND q > 0)::INTEGER AS customers,
              sum(q) FILTER (WHERE NOT inv LIKE 'C%' AND q > 0)::DOUBLE AS units
       FROM l`,
    );
    return reader.getRowObjectsJson()[0] as never;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Known customers with a sale line in one real day file, straight from the CSV. */
async function fileCustomers(file: string): Promise<number[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT DISTINCT TRY_CAST(TRY_CAST(CustomerID AS DOUBLE) AS BIGINT)::DOUBLE AS c
       FROM read_csv('${file.replaceAll("'", "''")}', header = true, all_varchar = true)
       WHERE NOT InvoiceNo LIKE 'C%' AND TRY_CAST(Quantity AS DECIMAL(18, 4)) > 0 AND TRY_CAST(TRY_CAST(CustomerID AS DOUBLE) AS BIGINT) IS NOT NULL`,
    );
    return (reader.getRowObjectsJson() as { c: number }[]).map((r) => r.c);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const goldDay = async (from: string, to: string): Promise<{ revenue_gbp: number; orders: number }> =>
  (
    await sql<{ revenue_gbp: number; orders: number }>(
      `SELECT round(coalesce(sum(line_total_gbp), 0), 2)::DOUBLE AS revenue_gbp, count(DISTINCT invoice_no) FILTER (WHERE is_sale)::INTEGER AS orders
       FROM gold.fact_sales WHERE invoice_ts >= '${from} 00:00:00' AND invoice_ts < '${to} 23:59:59.999'`,
    )
  )[0]!;

let server: Server | undefined;

afterAll(async () => {
  await server?.stop();
  if (available) await deleteStreams(stream);
  scratch.cleanup();
});

describe.skipIf(!available)('lambda merge: speed layer for what gold does not cover yet, no double counting', () => {
  const batchInput = path.join(scratch.dir, 'batch');
  const speedFile = path.join(realDataDir, `${SPEED_DAY}.csv`);
  let speed: Awaited<ReturnType<typeof fileFigures>>;
  let goldBefore: { revenue_gbp: number; orders: number };
  // Distinct known customers of gold's days, and of gold's days and the speed day together.
  let goldCustomers: number;
  let customers: number;

  it('builds gold for three real days, then takes the next day from NATS into the speed layer only', async () => {
    mkdirSync(batchInput, { recursive: true });
    for (const day of BATCH_DAYS) cpSync(path.join(realDataDir, day), path.join(batchInput, day));
    const run = await runCli(['--json', 'run', batchInput], { dataDir, env, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    const produced = await runCli(['--json', 'stream', 'produce', '--from', speedFile], { dataDir: path.join(scratch.dir, 'producer'), env });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runCli(['--json', 'stream', 'consume', '--until-idle', '1500'], { dataDir, env, timeoutMs: 300_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.json.consumer.loaded).toBe(produced.json.events);

    const [cover] = await sql<{ gold_last: string; speed_events: number }>(
      `SELECT max(invoice_ts)::DATE::VARCHAR AS gold_last, (SELECT count(*) FROM stream.window_events WHERE event_time::DATE = DATE '${SPEED_DAY}')::INTEGER AS speed_events FROM gold.fact_sales`,
    );
    expect(cover).toEqual({ gold_last: '2010-12-03', speed_events: produced.json.events });
    speed = await fileFigures(speedFile);
    goldBefore = await goldDay('2010-12-01', '2010-12-03');
    const goldKeys = (await sql<{ c: number }>('SELECT DISTINCT customer_key::DOUBLE AS c FROM gold.mart_customer_days')).map((r) => r.c);
    goldCustomers = goldKeys.length;
    customers = new Set([...goldKeys, ...(await fileCustomers(speedFile))]).size;
    expect(speed.revenue_gbp).toBeGreaterThan(1000);
  }, 600_000);

  it('serves the speed day in KPIs, the time series and /api/v1/realtime over HTTP', async () => {
    server = await serve();
    try {
      await speedDayServed(server);
    } finally {
      await server.stop();
    }
  }, 300_000);

  async function speedDayServed(server: Server): Promise<void> {
    const day = await server.get(`/api/v1/kpis?from=${SPEED_DAY}&to=${SPEED_DAY}`);
    expect(day.speed_layer).toMatchObject({ batch_covered_to: expect.stringMatching(/^2010-12-03 /), merged: true, speed_from: expect.stringMatching(/^2010-12-05 /) });
    expect(day.kpis.revenue_gbp.value).toBeCloseTo(speed.revenue_gbp, 2);
    expect(day.kpis.orders.value).toBe(speed.orders);
    expect(day.kpis.customers.value).toBe(speed.customers);
    expect(day.kpis.units.value).toBe(speed.units);

    // The default window now reaches the speed day, and adds gold's days to it.
    const all = await server.get('/api/v1/kpis');
    expect(all.window).toEqual({ from: '2010-12-01', to: SPEED_DAY });
    expect(all.kpis.revenue_gbp.value).toBeCloseTo(goldBefore.revenue_gbp + speed.revenue_gbp, 2);
    expect(all.kpis.orders.value).toBe(goldBefore.orders + speed.orders);

    // Customers are counted once across both layers: someone who bought in gold's days and again
    // on the speed day is one customer of the window.
    expect(customers).toBeLessThan(goldCustomers + speed.customers);
    expect(all.kpis.customers.value).toBe(customers);

    // A week the window holds whole comes from gold.mart_sales_periods, except where the speed
    // layer adds to it: then from the per-day marts and the speed layer together.
    const week = await server.get('/api/v1/sales/timeseries?grain=week&from=2010-11-29&to=2010-12-05');
    expect(week.speed_layer.merged).toBe(true);
    expect(week.points).toHaveLength(1);
    expect(week.points[0]).toMatchObject({ period_start: '2010-11-29', first_day: '2010-12-01', last_day: SPEED_DAY, orders: goldBefore.orders + speed.orders, customers });
    expect(week.points[0].revenue_gbp).toBeCloseTo(goldBefore.revenue_gbp + speed.revenue_gbp, 2);
    const month = await server.get('/api/v1/sales/timeseries?grain=month&from=2010-12-01&to=2010-12-31');
    expect(month.points).toHaveLength(1);
    expect(month.points[0]).toMatchObject({ orders: goldBefore.orders + speed.orders, customers });

    const series = await server.get('/api/v1/sales/timeseries?grain=day');
    expect(series.points.map((p: { period_start: string }) => p.period_start)).toEqual(['2010-12-01', '2010-12-02', '2010-12-03', '2010-12-04', SPEED_DAY]);
    const last = series.points.at(-1);
    expect(last.revenue_gbp).toBeCloseTo(speed.revenue_gbp, 2);
    expect(last.orders).toBe(speed.orders);
    expect(series.points[3]).toMatchObject({ revenue_gbp: 0, orders: 0 });
    const weekly = await server.get('/api/v1/sales/timeseries?grain=week&country=United%20Kingdom');
    expect(weekly.speed_layer.merged).toBe(true);

    const realtime = await server.get('/api/v1/realtime?kind=tumbling_1m&minutes=60');
    expect(realtime.streams).toEqual([{ stream: stream.stream, watermark: expect.stringMatching(/^2010-12-05 /), too_late_events: 0 }]);
    expect(realtime.windows.length).toBeGreaterThan(0);
    const revenueLastHour = realtime.windows.reduce((s: number, w: { revenue_gbp: number }) => s + w.revenue_gbp, 0);
    expect(revenueLastHour).toBeGreaterThan(0);
    const ms = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`);
    const watermark = ms(realtime.streams[0].watermark);
    expect(realtime.windows.every((w: { window_end: string }) => ms(w.window_end) > watermark - 3_600_000)).toBe(true);
    expect(realtime.windows[0].open).toBe(true);
    const sliding = await server.get('/api/v1/realtime?kind=sliding_5m&minutes=5&country=United%20Kingdom');
    expect(sliding.windows.every((w: { country: string }) => w.country === 'United Kingdom')).toBe(true);
  }

  it('counts the day once after the batch layer has run over it too', async () => {
    // The day's file arrives as the daily export: the batch layer loads it (silver drops the rows
    // the stream already delivered as duplicates) and rebuilds gold, which now covers the day.
    cpSync(speedFile, path.join(batchInput, `${SPEED_DAY}.csv`));
    const run = await runCli(['--json', 'run', batchInput], { dataDir, env, timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    const gold = await goldDay(SPEED_DAY, SPEED_DAY);
    const [held] = await sql<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stream.window_events WHERE event_time::DATE = DATE '${SPEED_DAY}'`);
    expect(held!.n).toBeGreaterThan(0); // still in the speed layer: a plain union would double it
    expect(gold.revenue_gbp).toBeGreaterThan(speed.revenue_gbp * 0.9);

    server = await serve();
    try {
      await goldDayServed(server, gold);
    } finally {
      await server.stop();
    }
  }, 600_000);

  async function goldDayServed(server: Server, gold: { revenue_gbp: number; orders: number }): Promise<void> {
    const day = await server.get(`/api/v1/kpis?from=${SPEED_DAY}&to=${SPEED_DAY}`);
    expect(day.speed_layer).toMatchObject({ batch_covered_to: expect.stringMatching(/^2010-12-05 /), merged: false });
    expect(day.kpis.revenue_gbp.value).toBeCloseTo(gold.revenue_gbp, 2);
    expect(day.kpis.orders.value).toBe(gold.orders);
    const all = await server.get('/api/v1/kpis');
    expect(all.kpis.revenue_gbp.value).toBeCloseTo(goldBefore.revenue_gbp + gold.revenue_gbp, 2);
    const series = await server.get('/api/v1/sales/timeseries?grain=day');
    expect(series.points.at(-1).revenue_gbp).toBeCloseTo(gold.revenue_gbp, 2);
  }
});
