/** Every gold model built through the pipeline on the hand-made fixture, against hand-computed values. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, type InProcessRun } from '../pipeline/run-in-process.js';
import { FIXTURE } from './fixture.js';

let run: InProcessRun;
const rows = <T = Record<string, unknown>>(sql: string): Promise<T[]> => run.warehouse.query<T>(sql);

beforeAll(async () => {
  run = await runInProcess(FIXTURE);
  if (run.result.error) throw run.result.error;
});
afterAll(() => run.close());

describe('silver from the fixture', () => {
  it('keeps every line but the exact duplicate, flagging cancellation, return, guest and postage', async () => {
    expect(run.result.totals).toEqual({ rows_in: 11, rows_to_silver: 10, rows_quarantined: 0, duplicates_removed: 1 });
    const flags = await rows(`SELECT invoice_no, stock_code, is_cancellation, is_return, is_non_product, is_guest FROM silver.transactions
                              WHERE is_cancellation OR is_return OR is_non_product OR is_guest ORDER BY invoice_no`);
    expect(flags).toEqual([
      { invoice_no: '536401', stock_code: 'POST', is_cancellation: false, is_return: false, is_non_product: true, is_guest: false },
      { invoice_no: '536403', stock_code: '71053', is_cancellation: false, is_return: false, is_non_product: false, is_guest: true },
      { invoice_no: '536407', stock_code: '71053', is_cancellation: false, is_return: true, is_non_product: false, is_guest: false },
      { invoice_no: 'C536406', stock_code: '85123A', is_cancellation: true, is_return: true, is_non_product: false, is_guest: false },
    ]);
  });
});

describe('the star schema', () => {
  it('has one fact line per silver line, sales marked, adding up to the net revenue', async () => {
    const [fact] = await rows(`SELECT count(*)::INTEGER AS lines, count(*) FILTER (WHERE is_sale)::INTEGER AS sale_lines,
                                      sum(line_total_gbp)::DECIMAL(18, 2)::VARCHAR AS revenue FROM gold.fact_sales`);
    expect(fact).toEqual({ lines: 10, sale_lines: 8, revenue: '131.54' });
  });

  it('has a calendar day for every day from the first sale to the last, gaps included', async () => {
    const [dates] = await rows(`SELECT count(*)::INTEGER AS days, min(date)::VARCHAR AS first, max(date)::VARCHAR AS last FROM gold.dim_date`);
    expect(dates).toEqual({ days: 42, first: '2011-01-10', last: '2011-02-20' });
  });

  it('has each customer with a home country and sale orders, plus the guest member', async () => {
    const customers = await rows(`SELECT customer_key::INTEGER AS key, country, orders, is_guest FROM gold.dim_customer ORDER BY customer_key`);
    expect(customers).toEqual([
      { key: -1, country: null, orders: null, is_guest: true },
      { key: 12345, country: 'United Kingdom', orders: 2, is_guest: false },
      { key: 12346, country: 'France', orders: 1, is_guest: false },
      { key: 12347, country: 'United Kingdom', orders: 1, is_guest: false },
    ]);
  });

  it('totals each invoice once, with the duplicate gone', async () => {
    const invoices = await rows(`SELECT invoice_no, lines, units::INTEGER AS units, invoice_total_gbp::VARCHAR AS total FROM gold.dim_invoice ORDER BY invoice_no`);
    expect(invoices).toEqual([
      { invoice_no: '536401', lines: 3, units: 9, total: '27.08' },
      { invoice_no: '536402', lines: 2, units: 13, total: '43.35' },
      { invoice_no: '536403', lines: 1, units: 10, total: '33.90' },
      { invoice_no: '536404', lines: 1, units: 2, total: '25.50' },
      { invoice_no: '536405', lines: 1, units: 4, total: '10.20' },
      { invoice_no: '536407', lines: 1, units: -1, total: '-3.39' },
      { invoice_no: 'C536406', lines: 1, units: -2, total: '-5.10' },
    ]);
  });

  it('flags POST as a non-product in the product dimension', async () => {
    const products = await rows(`SELECT stock_code, is_non_product FROM gold.dim_product ORDER BY stock_code`);
    expect(products).toEqual([
      { stock_code: '22423', is_non_product: false },
      { stock_code: '71053', is_non_product: false },
      { stock_code: '85123A', is_non_product: false },
      { stock_code: 'POST', is_non_product: true },
    ]);
  });
});

describe('mart_daily_sales', () => {
  it('gives revenue, sales, returns, orders, customers, units and AOV per invoice for each trading day', async () => {
    const days = await rows(`
      SELECT date::VARCHAR AS date, revenue_gbp::VARCHAR AS revenue, sales_gbp::VARCHAR AS sales, returns_gbp::VARCHAR AS returns,
             orders, cancelled_invoices AS cancelled, customers, units::INTEGER AS units, lines, avg_order_value_gbp::VARCHAR AS aov
      FROM gold.mart_daily_sales WHERE lines > 0 ORDER BY date`);
    expect(days).toEqual([
      { date: '2011-01-10', revenue: '27.08', sales: '27.08', returns: '0.00', orders: 1, cancelled: 0, customers: 1, units: 9, lines: 3, aov: '27.08' },
      // Two invoices over three lines: AOV is 77.25 / 2 invoices, not / 3 lines; the guest is no customer.
      { date: '2011-01-20', revenue: '77.25', sales: '77.25', returns: '0.00', orders: 2, cancelled: 0, customers: 1, units: 23, lines: 3, aov: '38.63' },
      { date: '2011-02-13', revenue: '25.50', sales: '25.50', returns: '0.00', orders: 1, cancelled: 0, customers: 1, units: 2, lines: 1, aov: '25.50' },
      { date: '2011-02-14', revenue: '10.20', sales: '10.20', returns: '0.00', orders: 1, cancelled: 0, customers: 1, units: 4, lines: 1, aov: '10.20' },
      { date: '2011-02-15', revenue: '-5.10', sales: '0.00', returns: '5.10', orders: 0, cancelled: 1, customers: 0, units: 0, lines: 1, aov: null },
      { date: '2011-02-20', revenue: '-3.39', sales: '0.00', returns: '3.39', orders: 0, cancelled: 0, customers: 0, units: 0, lines: 1, aov: null },
    ]);
  });

  it('keeps the days without sales as zero rows', async () => {
    const [quiet] = await rows(`SELECT count(*)::INTEGER AS days, sum(revenue_gbp)::VARCHAR AS revenue FROM gold.mart_daily_sales WHERE lines = 0`);
    expect(quiet).toEqual({ days: 36, revenue: '0.00' });
  });
});

describe('mart_country_sales', () => {
  it('gives each country its net revenue, sales, orders, customers, units, AOV and share', async () => {
    const countries = await rows(`
      SELECT country, iso2, revenue_gbp::VARCHAR AS revenue, sales_gbp::VARCHAR AS sales, orders, customers, units::INTEGER AS units,
             avg_order_value_gbp::VARCHAR AS aov, revenue_share AS share
      FROM gold.mart_country_sales ORDER BY country`);
    expect(countries).toEqual([
      { country: 'France', iso2: 'FR', revenue: '39.96', sales: '43.35', orders: 1, customers: 1, units: 13, aov: '43.35', share: 0.303786 },
      { country: 'United Kingdom', iso2: 'GB', revenue: '91.58', sales: '96.68', orders: 4, customers: 2, units: 25, aov: '24.17', share: 0.696214 },
    ]);
  });
});

describe('mart_product_performance', () => {
  it('ranks real products by net revenue with units sold and returned, leaving postage out', async () => {
    const products = await rows(`
      SELECT stock_code, revenue_gbp::VARCHAR AS revenue, sales_gbp::VARCHAR AS sales, units_sold::INTEGER AS sold,
             units_returned::INTEGER AS returned, orders, customers, revenue_rank AS rank
      FROM gold.mart_product_performance ORDER BY revenue_rank`);
    expect(products).toEqual([
      { stock_code: '85123A', revenue: '51.00', sales: '56.10', sold: 22, returned: 2, orders: 3, customers: 2, rank: 1 },
      { stock_code: '22423', revenue: '38.25', sales: '38.25', sold: 3, returned: 0, orders: 2, customers: 2, rank: 2 },
      // The guest's 10 lanterns count as units and an order, not as a customer.
      { stock_code: '71053', revenue: '37.29', sales: '40.68', sold: 12, returned: 1, orders: 2, customers: 1, rank: 3 },
    ]);
  });
});

describe('mart_customer_rfm', () => {
  it('scores recency, frequency and money 1-5 with 5 best, ties sharing a score, and names the segment', async () => {
    const customers = await rows(`
      SELECT customer_id::INTEGER AS customer, as_of_date::VARCHAR AS as_of, recency_days AS recency, frequency,
             monetary_gbp::VARCHAR AS monetary, r_score AS r, f_score AS f, m_score AS m, rfm_code, segment
      FROM gold.mart_customer_rfm ORDER BY customer_id`);
    expect(customers).toEqual([
      { customer: 12345, as_of: '2011-02-21', recency: 7, frequency: 2, monetary: '32.18', r: 5, f: 5, m: 3, rfm_code: 553, segment: 'Champions' },
      { customer: 12346, as_of: '2011-02-21', recency: 32, frequency: 1, monetary: '39.96', r: 1, f: 1, m: 5, rfm_code: 115, segment: 'Hibernating' },
      { customer: 12347, as_of: '2011-02-21', recency: 8, frequency: 1, monetary: '25.50', r: 3, f: 1, m: 1, rfm_code: 311, segment: 'About to Sleep' },
    ]);
  });
});

describe('mart_cohort_retention', () => {
  it('counts customers active in whole calendar months since their first sale month', async () => {
    const cohorts = await rows(`
      SELECT cohort_month::VARCHAR AS cohort, months_since_first AS months, cohort_size AS size, active_customers AS active, retention_rate AS rate
      FROM gold.mart_cohort_retention ORDER BY cohort_month, months_since_first`);
    expect(cohorts).toEqual([
      // 12346's February return is no sale, so only 12345 is active in month 1.
      { cohort: '2011-01-01', months: 0, size: 2, active: 2, rate: 1 },
      { cohort: '2011-01-01', months: 1, size: 2, active: 1, rate: 0.5 },
      { cohort: '2011-02-01', months: 0, size: 1, active: 1, rate: 1 },
    ]);
  });
});
