/**
 * Embedded DuckDB adapter. One instance per file per process (DuckDBInstance.fromCache), one
 * connection, and a queue so a transaction never interleaves with other statements.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { StrataError } from '../../shared/index.js';
import { copyTarget } from '../copy-csv.js';
import { engineError } from '../engine-error.js';
import { quoteLiteral } from '../sql-text.js';
import type { AppendValue, OpenWarehouseOptions, Row, SqlParams, TransactionSession, Warehouse, WarehouseSession } from '../warehouse.js';
import { toDuckDBParams } from './duckdb-params.js';

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

function sessionOver(connection: DuckDBConnection): WarehouseSession {
  return {
    async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      try {
        const bound = toDuckDBParams(params);
        const reader = await connection.runAndReadAll(sql, bound?.values, bound?.types);
        return reader.getRowObjectsJson() as T[];
      } catch (error) {
        throw engineError(error, sql, params);
      }
    },
    async execute(sql: string, params?: SqlParams): Promise<void> {
      try {
        const bound = toDuckDBParams(params);
        await connection.run(sql, bound?.values, bound?.types);
      } catch (error) {
        throw engineError(error, sql, params);
      }
    },
    async copyFromCsv(table, columns, file, options): Promise<number> {
      const sql = `COPY ${copyTarget(table, columns)} FROM ${quoteLiteral(file)} (FORMAT csv, HEADER ${options?.header ? 'true' : 'false'}, QUOTE '"', ESCAPE '"', DELIMITER ',', ALLOW_QUOTED_NULLS false)`;
      try {
        const reader = await connection.runAndReadAll(sql);
        return Number(reader.getRows()[0]?.[0] ?? 0);
      } catch (error) {
        throw engineError(error, sql);
      }
    },
  };
}

/** Only identifiers made of letters, digits and underscores reach the appender. */
const TABLE_NAME = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

async function appendRows(connection: DuckDBConnection, table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
  const name = TABLE_NAME.exec(table);
  if (!name) throw new StrataError('STRATA_ERR_ENGINE', `appendRows: table must be schema.table, got ${JSON.stringify(table)}`);
  const [, schema, relation] = name as unknown as [string, string, string];
  let appender;
  try {
    // A temporary table lives in the `temp` catalog, schema `main`.
    appender = schema === 'temp' ? await connection.createAppender(relation, 'main', 'temp') : await connection.createAppender(relation, schema);
    for (const row of rows) {
      for (const value of row) {
        if (value === null) appender.appendNull();
        else if (typeof value === 'number') appender.appendDouble(value);
        else appender.appendVarchar(value);
      }
      appender.endRow();
    }
    appender.flushSync();
  } catch (error) {
    throw engineError(error, `append ${rows.length} rows to ${table}`);
  } finally {
    appender?.closeSync();
  }
}

export async function openDuckDBWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  const settings: Record<string, string> = {};
  if (options.readOnly) settings['access_mode'] = 'READ_ONLY';
  if (options.threads) settings['threads'] = String(options.threads);
  if (options.memoryLimit) settings['memory_limit'] = options.memoryLimit;
  if (options.path !== ':memory:') mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });

  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.fromCache(options.path, settings);
  } catch (error) {
    throw engineError(error, `open ${options.path}`);
  }
  const connection = await instance.connect();
  const queue = new SerialQueue();
  const session = sessionOver(connection);
  if (options.disableExternalAccess) await session.execute('SET enable_external_access = false; SET lock_configuration = true;');

  return {
    dialect: 'duckdb',
    location: options.path,
    readOnly: options.readOnly ?? false,
    query: (sql, params) => queue.run(() => session.query(sql, params)),
    execute: (sql, params) => queue.run(() => session.execute(sql, params)),
    copyFromCsv: (table, columns, file, copyOptions) => queue.run(() => session.copyFromCsv(table, columns, file, copyOptions)),
    statementKinds: (sql) =>
      queue.run(async () => {
        try {
          const extracted = await connection.extractStatements(sql);
          const kinds: string[] = [];
          for (let i = 0; i < extracted.count; i++) kinds.push(StatementType[(await extracted.prepare(i)).statementType] ?? 'UNKNOWN');
          return kinds;
        } catch (error) {
          throw engineError(error, sql);
        }
      }),
    transaction: (work) =>
      queue.run(async () => {
        await session.execute('BEGIN TRANSACTION');
        try {
          const tx: TransactionSession = { ...session, appendRows: (table, rows) => appendRows(connection, table, rows) };
          const result = await work(tx);
          await session.execute('COMMIT');
          return result;
        } catch (error) {
          await session.execute('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () =>
      queue.run(async () => {
        connection.closeSync();
        if (options.releaseOnClose) instance.closeSync();
      }),
  };
}
