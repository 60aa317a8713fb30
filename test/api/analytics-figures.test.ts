/**
 * Every analytics figure the API serves equals an independent SQL computation over gold, on the
 * real Online Retail data. The expected values are written from the metric definitions
 * (docs: mart_daily_sales), not by calling the analytics module.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers/api-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 300_000);
afterAll(async () => h?.close());

const num = (v: unknown): number => Number(v);
const r2 = (v: unknown): number => Math.round(Number(v) * 100) / 100;

/** Independent KPI computation for a window (inclusive dates) and optional country name. */
async function expectedKpis(from: string, to: string, country: string | null = null) {
  const [row] = await h.sql<Record<string, string | number | null>>(
    `SELECT sum(f.line_total_gbp)::VARCHAR AS revenue,
            count(DISTINCT f.invoice_no) FILTER (WHERE NOT f.is_cancellation AND f.quantity > 0) AS orders,
            count(DISTINCT f.customer_key) FILTER (WHERE NOT f.is_cancellation AND f.quantity > 0 AND f.customer_key <> -1) AS customers,
            sum(f.line_total_gbp) FILTER (WHERE NOT f.is_cancellation AND f.quantity > 0)::VARCHAR AS sales,
            sum(f.quantity) FILTER (WHERE NOT f.is_cancellation AND f.quantity > 0)::VARCHAR AS units,
            sum(f.line_total_gbp) FILTER (WHERE f.is_cancellation OR f.quantity <= 0)::VARCHAR AS non_sales
     FROM gold.fact_sales AS f JOIN gold.dim_country AS c ON c.country_key = f.country_key
     WHERE CAST(f.invoice_ts AS DATE) BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND ($country IS NULL OR c.country = $country)`,
    { from, to, country },
  );
  const orders = num(row!.orders);
  const sales = num(row!.sales);
  return {
    revenue_gbp: r2(row!.revenue),
    orders,
    customers: num(row!.customers),
    avg_order_value_gbp: orders ? r2(sales / orders) : null,
    units: num(row!.units ?? 0),
    return_rate: sales > 0 ? Math.round((-num(row!.non_sales ?? 0) / sales) * 10_000) / 10_000 : null,
  };
}


type Measures = { revenue_gbp: number; orders: number; customers: number; avg_order_value_gbp: number | null; units: number; return_rate: number | null };

/**
 * Every measure per bucket straight from the invoice lines (no mart), rounded the way the API
 * publishes it, for exact comparison. `bucket` is a literal SQL expression over f.invoice_ts.
 */
async function expectedByBucket(bucket: string, from: string, to: string, country: string | null): Promise<Map<string, Measures>> {
  const rows = await h.sql<Measures & { bucket: string }>(
    `WITH lines AS (
       SELECT ${bucket} AS bucket, f.*, NOT f.is_cancellation AND f.quantity > 0 AS sale
       FROM gold.fact_sales AS f JOIN gold.dim_country AS c ON c.country_key = f.country_key
       WHERE CAST(f.invoice_ts AS DATE) BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
         AND ($country IS NULL OR c.country = $country OR c.iso2 = $country)
     )
     SELECT bucket::VARCHAR AS bucket,
            round(sum(line_total_gbp), 2)::DOUBLE AS revenue_gbp,
            count(DISTINCT invoice_no) FILTER (WHERE sale)::INTEGER AS orders,
            count(DISTINCT customer_key) FILTER (WHERE sale AND customer_key <> -1)::INTEGER AS customers,
            round(sum(line_total_gbp) FILTER (WHERE sale) / nullif(count(DISTINCT invoice_no) FILTER (WHERE sale), 0), 2)::DOUBLE AS avg_order_value_gbp,
            coalesce(sum(quantity) FILTER (WHERE sale), 0)::DOUBLE AS units,
            CASE WHEN sum(line_total_gbp) FILTER (WHERE sale) > 0
                 THEN round(-coalesce(sum(line_total_gbp) FILTER (WHERE NOT sale), 0) / sum(line_total_gbp) FILTER (WHERE sale), 4) END::DOUBLE AS return_rate
     FROM lines GROUP BY 1`,
    { from, to, country },
  );
  return new Map(rows.map(({ bucket: key, ...m }) => [key, m]));
}

const NO_LINES: Measures = { revenue_gbp: 0, orders: 0, customers: 0, avg_order_value_gbp: null, units: 0, return_rate: null };
const MEASURES = Object.keys(NO_LINES) as (keyof Measures)[];

describe('KPIs', () => {
  it('equal SQL over fact_sales for November 2011, with October 2-31 as the previous period', async () => {
    const response = await h.get('/api/v1/kpis?from=2011-11-01&to=2011-11-30', 'viewer');
    expect(response.statusCode).toBe(200);
    const body = response.data;
    const current = await expectedKpis('2011-11-01', '2011-11-30');
    const previous = await expectedKpis('2011-10-02', '2011-10-31');
    expect(body.previous_period).toMatchObject({ from: '2011-10-02', to: '2011-10-31', coverage: 'full' });
    expect(body.year_ago_period).toMatchObject({ from: '2010-11-01', to: '2010-11-30', coverage: 'none' });
    for (const [name, value] of Object.entries(current)) {
      expect(body.kpis[name].value, name).toBeCloseTo(value as number, 4);
      expect(body.kpis[name].previous, name).toBeCloseTo((previous as Record<string, number>)[name]!, 4);
      expect(body.kpis[name].year_ago, name).toBeNull();
    }
    const pct = Math.round(((current.revenue_gbp - previous.revenue_gbp) / previous.revenue_gbp) * 10_000) / 100;
    expect(body.kpis.revenue_gbp.change_vs_previous_pct).toBeCloseTo(pct, 2);
  });

  it('compare December 2011 with December 2010 a year earlier', async () => {
    const body = (await h.get('/api/v1/kpis?from=2011-12-01&to=2011-12-09', 'viewer')).data;
    const yearAgo = await expectedKpis('2010-12-01', '2010-12-09');
    expect(body.year_ago_period).toMatchObject({ from: '2010-12-01', to: '2010-12-09', coverage: 'full' });
    expect(body.kpis.revenue_gbp.year_ago).toBeCloseTo(yearAgo.revenue_gbp, 4);
    expect(body.kpis.customers.year_ago).toBe(yearAgo.customers);
  });

  it('filter by country name or ISO code alike', async () => {
    const expected = await expectedKpis('2011-01-01', '2011-06-30', 'France');
    for (const country of ['France', 'FR']) {
      const body = (await h.get(`/api/v1/kpis?from=2011-01-01&to=2011-06-30&country=${country}`, 'viewer')).data;
      expect(body.kpis.revenue_gbp.value).toBeCloseTo(expected.revenue_gbp, 4);
      expect(body.kpis.orders.value).toBe(expected.orders);
      expect(body.kpis.customers.value).toBe(expected.customers);
    }
  });

  it.each([
    ['United Kingdom', '2011-12-01', '2011-12-09'],
    ['GB', '2011-03-15', '2011-05-14'],
    ['NL', '2011-09-01', '2011-11-30'],
    [null, '2011-06-01', '2011-06-30'],
  ])('for %s from %s to %s: every KPI and its comparisons are exactly the figures of the lines', async (country, from, to) => {
    const body = (await h.get(`/api/v1/kpis?from=${from}&to=${to}${country ? `&country=${country}` : ''}`, 'viewer')).data;
    const period = async (p: { from: string; to: string }) => (await expectedByBucket("'all'", p.from, p.to, country)).get('all') ?? NO_LINES;
    const [current, previous, yearAgo] = await Promise.all([period(body.window), period(body.previous_period), period(body.year_ago_period)]);
    for (const name of MEASURES) {
      expect(body.kpis[name].value, name).toBe(current[name]);
      expect(body.kpis[name].previous, `${name} previous`).toBe(body.previous_period.coverage === 'none' ? null : previous[name]);
      expect(body.kpis[name].year_ago, `${name} year ago`).toBe(body.year_ago_period.coverage === 'none' ? null : yearAgo[name]);
    }
  });

  it('for a window without any sale are zeros, with no AOV or return rate', async () => {
    // 2010-12-25 to 2010-12-31: the shop was closed.
    const body = (await h.get('/api/v1/kpis?from=2010-12-24&to=2011-01-03', 'viewer')).data;
    expect(body.kpis.revenue_gbp.value).toBe(0);
    expect(body.kpis.orders.value).toBe(0);
    expect(body.kpis.avg_order_value_gbp.value).toBeNull();
    expect(body.kpis.return_rate.value).toBeNull();
  });

  it('over the whole data equal the sums of mart_daily_sales', async () => {
    const body = (await h.get('/api/v1/kpis', 'viewer')).data;
    const [mart] = await h.sql<{ revenue: string; orders: string; units: string }>(
      'SELECT sum(revenue_gbp)::VARCHAR AS revenue, sum(orders)::VARCHAR AS orders, sum(units)::VARCHAR AS units FROM gold.mart_daily_sales',
    );
    expect(body.window).toEqual({ from: '2010-12-01', to: '2011-12-09' });
    expect(body.kpis.revenue_gbp.value).toBeCloseTo(num(mart!.revenue), 2);
    // An invoice belongs to one day, so daily order counts add up to the total.
    expect(body.kpis.orders.value).toBe(num(mart!.orders));
    expect(body.kpis.units.value).toBe(num(mart!.units));
    expect(body.previous_period.coverage).toBe('none');
    expect(body.kpis.revenue_gbp.previous).toBeNull();
  });
});

describe('time series', () => {
  it('by day equals mart_daily_sales row for row, closed days included', async () => {
    const body = (await h.get('/api/v1/sales/timeseries?grain=day', 'viewer')).data;
    const mart = await h.sql<{ date: string; revenue: number; orders: number; customers: number }>(
      'SELECT date::VARCHAR AS date, revenue_gbp::DOUBLE AS revenue, orders, customers FROM gold.mart_daily_sales ORDER BY date',
    );
    expect(body.points).toHaveLength(mart.length);
    body.points.forEach((p: { period_start: string; revenue_gbp: number; orders: number; customers: number }, i: number) => {
      expect(p.period_start).toBe(mart[i]!.date);
      expect(p.revenue_gbp).toBeCloseTo(mart[i]!.revenue, 2);
      expect(p.orders).toBe(mart[i]!.orders);
      expect(p.customers).toBe(mart[i]!.customers);
    });
  });

  it.each(['week', 'month', 'quarter'])('by %s equals SQL grouping of fact_sales, for Germany', async (grain) => {
    const body = (await h.get(`/api/v1/sales/timeseries?grain=${grain}&country=Germany&from=2011-01-01&to=2011-09-30`, 'viewer')).data;
    const expected = await h.sql<{ bucket: string; revenue: number; orders: number; customers: number }>(
      `SELECT date_trunc('${grain}', invoice_ts)::DATE::VARCHAR AS bucket, round(sum(line_total_gbp), 2)::DOUBLE AS revenue,
              count(DISTINCT invoice_no) FILTER (WHERE is_sale)::INTEGER AS orders,
              count(DISTINCT customer_key) FILTER (WHERE is_sale AND customer_key <> -1)::INTEGER AS customers
       FROM gold.fact_sales JOIN gold.dim_country USING (country_key)
       WHERE country = 'Germany' AND invoice_ts >= TIMESTAMP '2011-01-01' AND invoice_ts < TIMESTAMP '2011-10-01'
       GROUP BY 1 ORDER BY 1`,
    );
    const byBucket = new Map(body.points.map((p: { period_start: string }) => [p.period_start, p]));
    for (const e of expected) {
      const p = byBucket.get(e.bucket) as { revenue_gbp: number; orders: number; customers: number };
      expect(p, e.bucket).toBeDefined();
      expect(p.revenue_gbp).toBeCloseTo(e.revenue, 2);
      expect(p.orders).toBe(e.orders);
      expect(p.customers).toBe(e.customers);
    }
    const total = body.points.reduce((s: number, p: { revenue_gbp: number }) => s + p.revenue_gbp, 0);
    expect(total).toBeCloseTo(expected.reduce((s, e) => s + e.revenue, 0), 1);
  });
  it.each([
    ['day', 'France', '2011-02-01', '2011-03-31'],
    ['week', null, '2011-01-01', '2011-12-09'],
    ['week', 'EIRE', '2010-12-01', '2011-12-09'],
    ['month', null, '2010-12-01', '2011-12-09'],
    ['month', 'DE', '2011-02-10', '2011-08-20'],
    ['quarter', null, '2010-12-01', '2011-12-09'],
    ['quarter', 'Spain', '2011-01-15', '2011-11-15'],
    ['month', null, '2011-03-01', '2011-05-31'],
    ['month', 'United Kingdom', '2011-03-01', '2011-05-31'],
    ['week', null, '2011-01-05', '2011-01-07'],
    ['week', 'Nowhere', '2011-01-01', '2011-02-28'],
  ])('by %s for %s from %s to %s: every point is exactly the figures of its lines, empty buckets zero', async (grain, country, from, to) => {
    const body = (await h.get(`/api/v1/sales/timeseries?grain=${grain}&from=${from}&to=${to}${country ? `&country=${country}` : ''}`, 'viewer')).data;
    const expected = await expectedByBucket(`date_trunc('${grain}', f.invoice_ts)::DATE`, from, to, country);
    const [calendar] = await h.sql<{ buckets: number }>(
      `SELECT count(DISTINCT date_trunc('${grain}', date))::INTEGER AS buckets FROM gold.dim_date WHERE date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)`,
      { from, to },
    );
    expect(body.points).toHaveLength(calendar!.buckets);
    expect(body.points.filter((p: { period_start: string }) => expected.has(p.period_start))).toHaveLength(expected.size);
    for (const point of body.points as (Measures & { period_start: string; first_day: string; last_day: string })[]) {
      const want = expected.get(point.period_start) ?? NO_LINES;
      for (const name of MEASURES) expect(point[name], `${point.period_start} ${name}`).toBe(want[name]);
      expect(point.first_day >= from && point.last_day <= to && point.first_day <= point.last_day).toBe(true);
    }
  });
});

describe('sales lines', () => {
  it('page through one day by line total, descending, giving exactly the SQL order with no repeats', async () => {
    const expected = await h.sql<{ k: string }>(
      `SELECT batch_id || ':' || source_line AS k FROM gold.fact_sales WHERE invoice_ts::DATE = DATE '2011-12-09' ORDER BY line_total_gbp DESC, batch_id DESC, source_line DESC`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/sales?from=2011-12-09&to=2011-12-09&sort=line_total_gbp&order=desc&limit=97${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await h.get(url, 'engineer')).data;
      seen.push(...body.lines.map((l: { line_id: string }) => l.line_id));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(expected.map((e) => e.k));
    expect(pages).toBe(Math.ceil(expected.length / 97));
  });

  it('carry the line as it is in gold, with the real customer id for an engineer', async () => {
    const body = (await h.get('/api/v1/sales?invoice_no=536365&sort=invoice_ts&order=asc', 'engineer')).data;
    const expected = await h.sql<{ k: string; qty: number; total: number; customer: string }>(
      `SELECT batch_id || ':' || source_line AS k, quantity AS qty, line_total_gbp::DOUBLE AS total, customer_key::VARCHAR AS customer
       FROM gold.fact_sales WHERE invoice_no = '536365' ORDER BY invoice_ts, batch_id, source_line`,
    );
    expect(body.lines.map((l: { line_id: string; quantity: number; line_total_gbp: number; customer_id: string }) => [l.line_id, l.quantity, l.line_total_gbp, l.customer_id])).toEqual(
      expected.map((e) => [e.k, e.qty, e.total, e.customer]),
    );
  });

  it('show analysts a stable pseudonym instead of the customer id, which opens the same customer', async () => {
    const analyst = (await h.get('/api/v1/sales?invoice_no=536365&sort=invoice_ts&order=asc', 'analyst')).data;
    const pseudonym = analyst.lines[0].customer_id as string;
    expect(pseudonym).toMatch(/^c_[0-9a-f]{16}$/);
    expect(JSON.stringify(analyst)).not.toContain('17850');
    const asAnalyst = (await h.get(`/api/v1/customers/${pseudonym}`, 'analyst')).data;
    const asEngineer = (await h.get('/api/v1/customers/17850', 'engineer')).data;
    expect(asAnalyst.customer_id).toBe(pseudonym);
    expect(asAnalyst.totals).toEqual(asEngineer.totals);
    // The real id is not a way in for an analyst.
    expect((await h.get('/api/v1/customers/17850', 'analyst')).statusCode).toBe(404);
  });
});

describe('customers', () => {
  it('segments over the whole data equal gold.mart_customer_rfm grouped by segment', async () => {
    const body = (await h.get('/api/v1/customers/segments', 'viewer')).data;
    const mart = await h.sql<{ segment: string; customers: number; revenue: number }>(
      'SELECT segment, count(*)::INTEGER AS customers, round(sum(monetary_gbp), 2)::DOUBLE AS revenue FROM gold.mart_customer_rfm GROUP BY segment ORDER BY segment',
    );
    const got = [...body.segments].sort((a: { segment: string }, b: { segment: string }) => a.segment.localeCompare(b.segment));
    expect(got.map((s: { segment: string; customers: number }) => [s.segment, s.customers])).toEqual(mart.map((m) => [m.segment, m.customers]));
    got.forEach((s: { revenue_gbp: number }, i: number) => expect(s.revenue_gbp).toBeCloseTo(mart[i]!.revenue, 2));
    const shares = body.segments.reduce((sum: number, s: { customer_share: number }) => sum + s.customer_share, 0);
    expect(shares).toBeCloseTo(1, 2);
  });

  it('segments recomputed for an explicit whole-data window agree with the mart (the two definitions are in step)', async () => {
    const mart = (await h.get('/api/v1/customers/segments', 'viewer')).data;
    const recomputed = (await h.get('/api/v1/customers/segments?from=2010-12-01&to=2011-12-09', 'viewer')).data;
    expect(recomputed.segments.map((s: { segment: string; customers: number }) => [s.segment, s.customers])).toEqual(
      mart.segments.map((s: { segment: string; customers: number }) => [s.segment, s.customers]),
    );
  });

  it('one customer: totals, RFM and monthly revenue equal SQL', async () => {
    const body = (await h.get('/api/v1/customers/12347', 'engineer')).data;
    const [t] = await h.sql<{ revenue: number; orders: number; lines: number }>(
      `SELECT round(sum(line_total_gbp), 2)::DOUBLE AS revenue, count(DISTINCT invoice_no) FILTER (WHERE is_sale)::INTEGER AS orders, count(*)::INTEGER AS lines
       FROM gold.fact_sales WHERE customer_key = 12347`,
    );
    const [rfm] = await h.sql<{ segment: string; r: number }>('SELECT segment, recency_days AS r FROM gold.mart_customer_rfm WHERE customer_id = 12347');
    expect(body.totals.revenue_gbp).toBeCloseTo(t!.revenue, 2);
    expect(body.totals.orders).toBe(t!.orders);
    expect(body.totals.lines).toBe(t!.lines);
    expect(body.rfm.segment).toBe(rfm!.segment);
    expect(body.rfm.recency_days).toBe(rfm!.r);
    const monthly = body.monthly.reduce((s: number, m: { revenue_gbp: number }) => s + m.revenue_gbp, 0);
    expect(monthly).toBeCloseTo(t!.revenue, 1);
    expect((await h.get('/api/v1/customers/999999999', 'engineer')).statusCode).toBe(404);
  });

  it('cohort matrix equals gold.mart_cohort_retention cell for cell', async () => {
    const body = (await h.get('/api/v1/cohorts', 'viewer')).data;
    const mart = await h.sql<{ m: string; n: number; size: number; active: number }>(
      'SELECT cohort_month::VARCHAR AS m, months_since_first AS n, cohort_size AS size, active_customers AS active FROM gold.mart_cohort_retention',
    );
    const byMonth = new Map(body.cohorts.map((c: { cohort_month: string }) => [c.cohort_month, c]));
    expect(byMonth.size).toBe(new Set(mart.map((m) => m.m)).size);
    for (const cell of mart) {
      const row = byMonth.get(cell.m) as { cohort_size: number; active_customers: number[] };
      expect(row.cohort_size).toBe(cell.size);
      expect(row.active_customers[cell.n]).toBe(cell.active);
    }
  });

  it('churn bands: as_of defaults to the last day of the data and counts equal SQL', async () => {
    const body = (await h.get('/api/v1/churn', 'viewer')).data;
    const [last] = await h.sql<{ d: string }>('SELECT max(invoice_ts)::DATE::VARCHAR AS d FROM gold.fact_sales');
    expect(body.as_of).toBe(last!.d);
    const customers = await h.sql<{ first: string; last: string; orders: number }>(
      `SELECT min(invoice_ts)::DATE::VARCHAR AS first, max(invoice_ts)::DATE::VARCHAR AS last, count(DISTINCT invoice_no)::INTEGER AS orders
       FROM gold.fact_sales WHERE NOT is_cancellation AND quantity > 0 AND customer_key <> -1 GROUP BY customer_key`,
    );
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
    const counts: Record<string, number> = { low: 0, medium: 0, high: 0 };
    for (const c of customers) {
      const recency = day(last!.d) - day(c.last);
      const gap = c.orders > 1 ? (day(c.last) - day(c.first)) / (c.orders - 1) : 0;
      const band = recency <= Math.max(30, 1.5 * gap) ? 'low' : recency <= Math.max(90, 3 * gap) ? 'medium' : 'high';
      counts[band]!++;
    }
    for (const band of body.bands) expect(band.customers, band.band).toBe(counts[band.band]);
    expect(body.bands.reduce((s: number, b: { customers: number }) => s + b.customers, 0)).toBe(customers.length);
  });
});

describe('products and countries', () => {
  it('top products by revenue equal gold.mart_product_performance', async () => {
    const body = (await h.get('/api/v1/products/top?metric=revenue&limit=10', 'viewer')).data;
    const mart = await h.sql<{ code: string; revenue: number; units: number; customers: number }>(
      'SELECT stock_code AS code, revenue_gbp::DOUBLE AS revenue, units_sold::DOUBLE AS units, customers FROM gold.mart_product_performance ORDER BY revenue_gbp DESC, stock_code LIMIT 10',
    );
    expect(body.products.map((p: { stock_code: string; revenue_gbp: number; units_sold: number; customers: number }) => [p.stock_code, p.revenue_gbp, p.units_sold, p.customers])).toEqual(
      mart.map((m) => [m.code, m.revenue, m.units, m.customers]),
    );
  });

  it.each([
    ['units', 'units_sold'],
    ['customers', 'customers'],
  ])('top products by %s are ordered by that measure, as SQL ranks them', async (metric, column) => {
    const body = (await h.get(`/api/v1/products/top?metric=${metric}&limit=5`, 'viewer')).data;
    const mart = await h.sql<{ code: string }>(`SELECT stock_code AS code FROM gold.mart_product_performance ORDER BY ${column} DESC, stock_code LIMIT 5`);
    expect(body.products.map((p: { stock_code: string }) => p.stock_code)).toEqual(mart.map((m) => m.code));
  });

  it('countries equal gold.mart_country_sales', async () => {
    const body = (await h.get('/api/v1/countries', 'viewer')).data;
    const mart = await h.sql<{ country: string; revenue: number; orders: number; customers: number; share: number }>(
      'SELECT country, revenue_gbp::DOUBLE AS revenue, orders, customers, revenue_share AS share FROM gold.mart_country_sales ORDER BY revenue_gbp DESC, country',
    );
    expect(body.countries.map((c: { country: string; revenue_gbp: number; orders: number; customers: number; revenue_share: number }) => [c.country, c.revenue_gbp, c.orders, c.customers, c.revenue_share])).toEqual(
      mart.map((m) => [m.country, m.revenue, m.orders, m.customers, m.share]),
    );
  });

  it('search finds products despite typos, and by stock code', async () => {
    const typo = (await h.get('/api/v1/search/products?q=lantrn%20hart', 'viewer')).data;
    expect(typo.hits.length).toBeGreaterThan(0);
    expect(typo.hits[0].description).toMatch(/LANTERN/);
    expect(typo.hits[0].description).toMatch(/HEART/);
    const code = (await h.get('/api/v1/search/products?q=85123A', 'viewer')).data;
    expect(code.hits[0]).toMatchObject({ stock_code: '85123A', score: 1 });
    const [product] = await h.sql<{ d: string }>(`SELECT description AS d FROM gold.dim_product WHERE product_key = '85123A'`);
    expect(code.hits[0].description).toBe(product!.d);
  });
});

describe('anomalies and forecast', () => {
  it('report days whose values are the mart values, with expected = same-weekday median of +/-4 weeks', async () => {
    const body = (await h.get('/api/v1/anomalies?metric=revenue_gbp', 'viewer')).data;
    expect(body.method).toMatch(/robust z-score/);
    expect(body.anomalies.length).toBeGreaterThan(0);
    const mart = await h.sql<{ date: string; dow: number; revenue: number; orders: number }>(
      'SELECT date::VARCHAR AS date, isodow(date)::INTEGER AS dow, revenue_gbp::DOUBLE AS revenue, orders FROM gold.mart_daily_sales ORDER BY date',
    );
    const tradingDows = new Set(mart.filter((m) => m.orders > 0).map((m) => m.dow));
    for (const anomaly of body.anomalies) {
      const day = mart.find((m) => m.date === anomaly.date)!;
      expect(anomaly.value).toBeCloseTo(day.revenue, 2);
      const same = mart.filter((m) => m.dow === day.dow && tradingDows.has(m.dow));
      const i = same.findIndex((m) => m.date === day.date);
      const neighbours = [...same.slice(Math.max(0, i - 4), i), ...same.slice(i + 1, i + 5)].map((m) => m.revenue).sort((a, b) => a - b);
      const mid = neighbours.length >> 1;
      const median = neighbours.length % 2 ? neighbours[mid]! : (neighbours[mid - 1]! + neighbours[mid]!) / 2;
      expect(anomaly.expected).toBeCloseTo(median, 1);
      expect(Math.abs(anomaly.score)).toBeGreaterThanOrEqual(body.threshold);
    }
  });

  it('for one country, report days whose order counts are that country\'s distinct sale invoices that day', async () => {
    const body = (await h.get('/api/v1/anomalies?metric=orders&country=Germany&threshold=2', 'viewer')).data;
    expect(body.country).toBe('Germany');
    expect(body.anomalies.length).toBeGreaterThan(0);
    const expected = await expectedByBucket('CAST(f.invoice_ts AS DATE)', '2010-12-01', '2011-12-09', 'Germany');
    for (const anomaly of body.anomalies) expect(anomaly.value, anomaly.date).toBe(expected.get(anomaly.date)?.orders ?? 0);
  });

  it('forecast: one point a day after the last day, ordered intervals, and a backtest error', async () => {
    const body = (await h.get('/api/v1/forecast?horizon=14', 'viewer')).data;
    const [days] = await h.sql<{ n: number; last: string }>('SELECT count(*)::INTEGER AS n, max(date)::VARCHAR AS last FROM gold.dim_date');
    expect(body.history).toMatchObject({ days: days!.n, to: days!.last });
    expect(body.points).toHaveLength(14);
    expect(body.points[0].date).toBe('2011-12-10');
    for (const p of body.points) {
      expect(p.lower_95).toBeLessThanOrEqual(p.lower_80);
      expect(p.lower_80).toBeLessThanOrEqual(p.revenue_gbp);
      expect(p.revenue_gbp).toBeLessThanOrEqual(p.upper_80);
      expect(p.upper_80).toBeLessThanOrEqual(p.upper_95);
    }
    expect(body.backtest.days).toBe(28);
    expect(body.backtest.mae).toBeGreaterThan(0);
    expect(body.backtest.wape).toBeGreaterThan(0);
    expect(body.backtest.baseline_seasonal_naive.mae).toBeGreaterThan(0);
  });
});

describe('quality and runs', () => {
  it('quality totals equal bronze.batches and the quarantine table', async () => {
    const body = (await h.get('/api/v1/quality', 'viewer')).data;
    const [b] = await h.sql<{ batches: number; rows_in: number; q: number }>(
      'SELECT count(*)::INTEGER AS batches, sum(rows_in)::DOUBLE AS rows_in, sum(rows_quarantined)::DOUBLE AS q FROM bronze.batches',
    );
    expect(body.totals).toMatchObject({ batches: b!.batches, rows_in: b!.rows_in, rows_quarantined: b!.q });
    expect(body.totals.rows_in).toBe(541_909);
    const rows = (await h.get('/api/v1/quality/quarantine?limit=500', 'engineer')).data;
    const [q] = await h.sql<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM quality.quarantine');
    expect(rows.total).toBe(q!.n);
    expect(rows.rows[0]).toHaveProperty('reason');
  });

  it('runs list the demo load with its steps', async () => {
    const body = (await h.get('/api/v1/runs', 'engineer')).data;
    const demo = body.runs.find((r: { command: string }) => r.command === 'demo');
    expect(demo.status).toBe('succeeded');
    expect(demo.steps.map((s: { step: string }) => s.step)).toEqual(['ingest', 'quality_silver', 'gold']);
  });
});
