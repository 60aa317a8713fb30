/**
 * Builders for the small input files the ingest tests write into a temp folder, and the checks
 * every failing command must pass: a non-zero exit, one line per error and no stack trace, and a
 * warehouse whose layers are exactly as they were.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { queryWarehouse } from '../helpers/warehouse.js';

export const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';

export interface RowFields {
  readonly invoice: string;
  readonly stock: string;
  readonly description: string;
  readonly quantity: string;
  readonly date: string;
  readonly price: string;
  readonly customer: string;
  readonly country: string;
}

const DEFAULTS: RowFields = {
  invoice: '536365',
  stock: '85123A',
  description: 'WHITE HANGING HEART T-LIGHT HOLDER',
  quantity: '6',
  date: '2010-12-01 08:26:00',
  price: '2.55',
  customer: '17850',
  country: 'United Kingdom',
};

export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** A good data line; `n` makes the invoice, stock code and quantity distinct. */
export function row(n: number, fields: Partial<RowFields> = {}): string {
  const f = { ...DEFAULTS, invoice: String(536_000 + n), stock: `SKU${n}`, quantity: String(n), ...fields };
  return [f.invoice, f.stock, csvField(f.description), f.quantity, f.date, f.price, f.customer, f.country].join(',');
}

export function csvText(lines: readonly string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

export interface Workspace {
  readonly dataDir: string;
  readonly inputDir: string;
  readonly warehouse: string;
  /** Writes a file into the input folder and returns its path. */
  write(name: string, content: string | Buffer): string;
  cli(args: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  query<T = Record<string, string>>(sql: string): Promise<T[]>;
  cleanup(): void;
}

export function workspace(): Workspace {
  const temp = tempDir('strata-ingest-');
  const dataDir = path.join(temp.dir, 'data');
  const inputDir = path.join(temp.dir, 'in');
  const warehouse = path.join(dataDir, 'strata.duckdb');
  mkdirSync(inputDir);
  return {
    dataDir,
    inputDir,
    warehouse,
    write(name, content) {
      const file = path.join(inputDir, name);
      writeFileSync(file, content);
      return file;
    },
    cli: (args, env) => runCli(args, { dataDir, ...(env ? { env } : {}) }),
    query: (sql) => queryWarehouse(warehouse, sql),
    cleanup: temp.cleanup,
  };
}

export interface LayerCounts {
  readonly bronze: number;
  readonly batches: number;
  readonly silver: number;
  readonly gold: number;
  readonly quarantine: number;
}

/** Runs several read-only queries on one opening of the warehouse file. */
async function readWarehouse<T>(ws: Workspace, work: (query: <R = Record<string, string>>(sql: string) => Promise<R[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(ws.warehouse, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return await work(async <R>(sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as R[]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Row counts of every layer; all zero before the warehouse exists. */
export async function layerCounts(ws: Workspace): Promise<LayerCounts> {
  if (!existsSync(ws.warehouse)) return { bronze: 0, batches: 0, silver: 0, gold: 0, quarantine: 0 };
  return readWarehouse(ws, async (query) => {
    const goldBuilt = (await query(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name = 'fact_sales'`)).length > 0;
    const [counts] = await query<LayerCounts>(
      `SELECT (SELECT count(*) FROM bronze.transactions_raw)::INTEGER AS bronze,
              (SELECT count(*) FROM bronze.batches)::INTEGER AS batches,
              (SELECT count(*) FROM silver.transactions)::INTEGER AS silver,
              (SELECT count(*) FROM quality.quarantine)::INTEGER AS quarantine,
              ${goldBuilt ? '(SELECT count(*) FROM gold.fact_sales)' : '0'}::INTEGER AS gold`,
    );
    return counts!;
  });
}

/** Counts and an order-independent checksum of bronze rows and of every silver and gold table. */
export async function contentFingerprint(ws: Workspace): Promise<Record<string, string>> {
  return readWarehouse(ws, async (query) => {
    const tables = await query<{ name: string }>(
      `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
       WHERE schema_name IN ('silver', 'gold') OR (schema_name = 'bronze' AND table_name = 'transactions_raw') ORDER BY 1`,
    );
    const fingerprint: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = await query<{ n: string; digest: string }>(
        `SELECT count(*)::VARCHAR AS n, coalesce(md5(string_agg(md5(t::VARCHAR), '' ORDER BY md5(t::VARCHAR))), '') AS digest FROM ${name} t`,
      );
      fingerprint[name] = `${row!.n}:${row!.digest}`;
    }
    return fingerprint;
  });
}

/** A whole-file failure as a person sees it: exit 1, `strata: file:line[:column]: message [CODE]`, no stack. */
export function expectCleanFailure(result: CliResult): void {
  expect(result.code).toBe(1);
  expect(result.signal).toBeNull();
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).not.toMatch(/^\s+at /m);
  expect(result.stderr + result.stdout).not.toMatch(/TypeError|ReferenceError|Unhandled|node:internal/);
}

/** The per-file error of a failed file in `--json` output. */
export function fileError(result: CliResult, file: string): { code: string; message: string; line: number | null; column: number | string | null } {
  const outcome = (result.json?.files ?? []).find((f: { file: string }) => f.file === file);
  expect(outcome, `no outcome for ${file} in ${result.stdout.slice(0, 500)}`).toBeDefined();
  expect(outcome.status).toBe('failed');
  return outcome.error;
}
