/**
 * Figures computed straight from the raw Online Retail CSV files, independently of the pipeline:
 * its own reader, typing, exclusions and dedup, none of our model SQL. The reconciliation test
 * holds the warehouse to these.
 *
 * Definitions written out here, as an analyst would state them:
 * - bad-debt adjustment: invoice prefixed A or stock code B; bookkeeping, not trade: excluded
 *   (the pipeline quarantines them).
 * - exact duplicate: a line whose eight fields all equal an earlier line's: counted once.
 * - sale line: invoice not prefixed C and quantity > 0.
 * - net revenue: sum of quantity x unit price over every remaining line (cancellations and
 *   returns subtract; postage and fees count).
 * - orders: distinct invoices with a sale line; customers: distinct customer ids with a sale line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface RawFigures {
  readonly dataLinesPerFile: ReadonlyMap<string, number>;
  readonly badDebtLines: readonly { file: string; line: number }[];
  readonly totals: Readonly<Record<string, string>>;
  readonly byCountry: readonly Readonly<Record<string, string>>[];
  readonly byDay: readonly Readonly<Record<string, string>>[];
  readonly topProducts: readonly Readonly<Record<string, string>>[];
}

/** Physical lines per file, by plain text splitting (no CSV reader involved). */
function scanLines(dir: string): Pick<RawFigures, 'dataLinesPerFile' | 'badDebtLines'> {
  const dataLinesPerFile = new Map<string, number>();
  const badDebtLines: { file: string; line: number }[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
    const file = path.join(dir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    dataLinesPerFile.set(file, lines.slice(1).filter((l) => l.trim() !== '').length);
    lines.forEach((text, i) => {
      if (i > 0 && (/^A/i.test(text) || text.split(',')[1] === 'B')) badDebtLines.push({ file, line: i + 1 });
    });
  }
  return { dataLinesPerFile, badDebtLines };
}

const PENNY = (expr: string): string => `round(${expr}, 2)::DECIMAL(18, 2)::VARCHAR`;

const SQL = {
  raw: (glob: string) => `
    CREATE TABLE raw AS SELECT * FROM read_csv('${glob.replaceAll("'", "''")}',
      header = true, auto_detect = false, quote = '"', escape = '"', filename = true,
      columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'VARCHAR',
                 'InvoiceDate': 'VARCHAR', 'UnitPrice': 'VARCHAR', 'CustomerID': 'VARCHAR', 'Country': 'VARCHAR'})`,
  // Plain CASTs, not TRY_CAST: a value the real data cannot type should fail the test loudly.
  typed: `
    CREATE TABLE typed AS SELECT
      InvoiceNo AS invoice, StockCode AS code, Description AS description,
      CAST(Quantity AS INTEGER) AS qty, CAST(InvoiceDate AS TIMESTAMP) AS ts,
      CAST(UnitPrice AS DECIMAL(18, 4)) AS price, CAST(CAST(CustomerID AS DOUBLE) AS BIGINT) AS customer,
      CASE Country WHEN 'EIRE' THEN 'Ireland' WHEN 'RSA' THEN 'South Africa' WHEN 'USA' THEN 'United States' ELSE Country END AS country
    FROM raw`,
  kept: `
    CREATE TABLE kept AS
    SELECT DISTINCT invoice, code, description, qty, ts, price, customer, country FROM typed
    WHERE NOT (invoice LIKE 'A%' OR code = 'B')`,
  sales: `CREATE TABLE lines AS SELECT *, qty * price AS total, invoice NOT LIKE 'C%' AND qty > 0 AS is_sale FROM kept`,
  totals: `
    SELECT (SELECT count(*) FROM raw)::VARCHAR AS rows,
           (SELECT count(*) - count(DISTINCT (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country)) FROM raw)::VARCHAR AS duplicates,
           (SELECT count(*) FROM typed WHERE price < 0)::VARCHAR AS negative_price_rows,
           (SELECT count(*) FROM typed WHERE invoice LIKE 'A%' OR code = 'B')::VARCHAR AS bad_debt_rows,
           count(*)::VARCHAR AS kept_rows,
           ${PENNY('sum(total)')} AS net_revenue,
           ${PENNY('sum(total) FILTER (WHERE is_sale)')} AS sales,
           count(DISTINCT invoice) FILTER (WHERE is_sale)::VARCHAR AS orders,
           count(DISTINCT customer) FILTER (WHERE is_sale)::VARCHAR AS customers,
           sum(qty) FILTER (WHERE is_sale)::VARCHAR AS units
    FROM lines`,
  byCountry: `
    SELECT country, ${PENNY('sum(total)')} AS revenue, count(DISTINCT invoice) FILTER (WHERE is_sale)::VARCHAR AS orders,
           coalesce(sum(qty) FILTER (WHERE is_sale), 0)::VARCHAR AS units
    FROM lines GROUP BY country ORDER BY country`,
  byDay: `
    SELECT ts::DATE::VARCHAR AS day, ${PENNY('sum(total)')} AS revenue, count(DISTINCT invoice) FILTER (WHERE is_sale)::VARCHAR AS orders,
           count(DISTINCT customer) FILTER (WHERE is_sale)::VARCHAR AS customers
    FROM lines WHERE ts::DATE IN ('2010-12-01', '2011-01-18', '2011-08-12', '2011-12-09') GROUP BY 1 ORDER BY 1`,
  topProducts: `
    SELECT code, ${PENNY('sum(total)')} AS revenue
    FROM lines
    WHERE upper(code) NOT IN ('POST', 'DOT', 'M', 'C2', 'D', 'S', 'B', 'BANK CHARGES', 'AMAZONFEE', 'PADS', 'CRUK')
      AND code NOT LIKE 'gift\\_0001\\_%' ESCAPE '\\'
    GROUP BY code ORDER BY sum(total) DESC, code LIMIT 10`,
} as const;

export async function rawFigures(dir: string): Promise<RawFigures> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const rows = async (sql: string): Promise<Record<string, string>[]> => (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, string>[];
  try {
    for (const sql of [SQL.raw(path.join(dir, '*.csv')), SQL.typed, SQL.kept, SQL.sales]) await db.run(sql);
    return {
      ...scanLines(dir),
      totals: (await rows(SQL.totals))[0]!,
      byCountry: await rows(SQL.byCountry),
      byDay: await rows(SQL.byDay),
      topProducts: await rows(SQL.topProducts),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
