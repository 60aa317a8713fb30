/** Opens a warehouse file read-only in the test process, to assert on what a CLI run left behind. */
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';

export async function queryWarehouse<T = Record<string, unknown>>(file: string, sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Columns that record when or by which run something happened: they differ between equal runs. */
const VOLATILE: Readonly<Record<string, readonly string[]>> = {
  'bronze.transactions_raw': ['_ingested_at'],
  'bronze.batches': ['run_id', 'loaded_at', 'processed_at'],
  'quality.check_results': ['run_id', 'evaluated_at'],
  'quality.quarantine': ['quarantined_at'],
};

/**
 * A content fingerprint of every data table (bronze, quality, silver, gold): row count and an
 * order-independent hash sum per table. Two warehouses with equal fingerprints hold the same data.
 */
export async function warehouseFingerprint(file: string): Promise<Record<string, string>> {
  const tables = await queryWarehouse<{ name: string }>(
    file,
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()
     WHERE schema_name IN ('bronze', 'quality', 'silver', 'gold') AND NOT temporary
     UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE schema_name = 'gold'
     ORDER BY 1`,
  );
  const parts = tables.map(({ name }) => {
    const exclude = VOLATILE[name];
    const source = exclude ? `(SELECT * EXCLUDE (${exclude.join(', ')}) FROM ${name})` : name;
    return `SELECT '${name}' AS name, count(*)::VARCHAR || ':' || coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR AS print FROM ${source} AS t`;
  });
  const rows = await queryWarehouse<{ name: string; print: string }>(file, parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.print]));
}

/** One query against a PostgreSQL warehouse (a test database's URL), rows as pg returns them. */
export async function queryPostgres<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * warehouseFingerprint for a PostgreSQL warehouse: row count and an md5 of the sorted row texts
 * per data table and gold view, the volatile columns left out. Comparable between two PostgreSQL
 * warehouses (not with a DuckDB fingerprint: the hashes differ by engine).
 */
export async function postgresFingerprint(url: string): Promise<Record<string, string>> {
  const columns = await queryPostgres<{ name: string; column_name: string }>(
    url,
    `SELECT c.table_schema || '.' || c.table_name AS name, c.column_name
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema IN ('bronze', 'quality', 'silver', 'gold') AND t.table_type IN ('BASE TABLE', 'VIEW')
     ORDER BY 1, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { name, column_name } of columns) {
    if (VOLATILE[name]?.includes(column_name)) continue;
    byTable.set(name, [...(byTable.get(name) ?? []), `"${column_name}"`]);
  }
  const parts = [...byTable].map(
    ([name, cols]) => `SELECT '${name}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(r, '|' ORDER BY r)), '-') AS print
       FROM (SELECT ROW(${cols.join(', ')})::text AS r FROM ${name}) AS t`,
  );
  const rows = await queryPostgres<{ name: string; print: string }>(url, parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.print]));
}
