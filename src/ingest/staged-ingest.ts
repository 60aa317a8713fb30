/**
 * Ingest into a warehouse that cannot read CSV itself (PostgreSQL). The files are read exactly as
 * for DuckDB, by the same code, into the bronze tables of a private in-memory DuckDB, so every
 * line number, reject reason, date order and batch count is the one DuckDB would record. The new
 * batches are then written out as CSV and streamed into the warehouse with COPY FROM STDIN
 * (Warehouse.copyFromCsv), batches and rows in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { migrate, openDuckDBWarehouse, quoteLiteral, type Warehouse } from '../engine/index.js';
import type { IngestOptions, IngestReport } from './ingest.js';

type IngestInto = (catalog: Warehouse, engine: Warehouse, targets: readonly string[], options: IngestOptions) => Promise<IngestReport>;

const BRONZE_TABLES = ['bronze.batches', 'bronze.transactions_raw'] as const;

export async function ingestThroughStaging(target: Warehouse, targets: readonly string[], options: IngestOptions, ingestInto: IngestInto): Promise<IngestReport> {
  const tag = randomBytes(6).toString('hex');
  const staging = await openDuckDBWarehouse({ path: `:memory:stage_${tag}` });
  mkdirSync(options.stagingDir, { recursive: true });
  const files = BRONZE_TABLES.map((table) => path.join(options.stagingDir, `copy-${tag}-${table}.csv`));
  try {
    await migrate(staging);
    const report = await ingestInto(target, staging, targets, options);
    if (report.loaded === 0) return report;
    const columns: string[][] = [];
    for (const [i, table] of BRONZE_TABLES.entries()) {
      const [schema, name] = table.split('.') as [string, string];
      const cols = (await staging.query<{ column_name: string }>(
        'SELECT column_name FROM duckdb_columns() WHERE schema_name = $schema AND table_name = $name ORDER BY column_index',
        { schema, name },
      )).map((c) => c.column_name);
      columns.push(cols);
      const order = table === 'bronze.batches' ? 'loaded_at, file_path, batch_id' : '_batch_id, _line';
      await staging.execute(`COPY (SELECT ${cols.join(', ')} FROM ${table} ORDER BY ${order}) TO ${quoteLiteral(files[i]!)} (FORMAT csv, HEADER false)`);
    }
    await target.transaction(async (tx) => {
      for (const [i, table] of BRONZE_TABLES.entries()) await tx.copyFromCsv(table, columns[i]!, files[i]!);
    });
    return report;
  } finally {
    await staging.close();
    await Promise.all(files.map((f) => rm(f, { force: true })));
  }
}
