/**
 * PostgreSQL adapter (`pg`). Like the DuckDB adapter: one connection and a queue, so a transaction
 * never interleaves with other statements and session temp tables (_typed, _stage) live across the
 * statements of a step. SQL arrives in DuckDB's common subset and is rewritten by ../dialect.ts;
 * bulk loads stream a CSV file through COPY FROM STDIN (pg-copy-streams), never row inserts.
 * Values come back as the DuckDB adapter returns them: BIGINT and NUMERIC as strings, timestamps,
 * dates and JSON as their text.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { StrataError } from '../../shared/index.js';
import { copyTarget } from '../copy-csv.js';
import {
  POSTGRES_COMPAT_SQL,
  POSTGRES_COMPAT_VERSION,
  bindPostgresParams,
  postgresCopySql,
  splitStatements,
  statementKindOf,
  toPostgresSql,
} from '../dialect.js';
import { engineError } from '../engine-error.js';
import type { AppendValue, OpenWarehouseOptions, Row, SqlParams, TransactionSession, Warehouse, WarehouseSession } from '../warehouse.js';

class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const raw = (value: string): string => value;
/** Type OIDs whose text is returned as is (timestamp, timestamptz, date, time, json, jsonb, interval). */
const TEXT_TYPES = new Set([1114, 1184, 1082, 1083, 114, 3802, 1186]);
export const types = {
  getTypeParser(oid: number, format?: string) {
    if (TEXT_TYPES.has(oid)) return raw;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** The URL without its password, for messages and `location`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(invalid URL)';
  }
}

const TABLE_NAME = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** One CSV field for COPY: NULL is an empty unquoted field, every string is quoted (so '' stays ''). */
const csvField = (value: AppendValue): string => (value === null ? '' : typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`);

/**
 * The DuckDB appender's counterpart: the rows as CSV through COPY FROM STDIN, in chunks, never
 * row inserts. `temp.x` (DuckDB's temporary catalog) is PostgreSQL's `pg_temp.x`.
 */
async function appendRowsByCopy(client: pg.Client, table: string, rows: readonly (readonly AppendValue[])[]): Promise<void> {
  const name = TABLE_NAME.exec(table);
  if (!name) throw new StrataError('STRATA_ERR_ENGINE', `appendRows: table must be schema.table, got ${JSON.stringify(table)}`);
  const [, schema, relation] = name as unknown as [string, string, string];
  const sql = `COPY ${schema === 'temp' ? 'pg_temp' : schema}.${relation} FROM STDIN (FORMAT csv)`;
  function* chunks(): Generator<string> {
    for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000).map((row) => `${row.map(csvField).join(',')}\n`).join('');
  }
  try {
    await pipeline(Readable.from(chunks()), client.query(copyStreams.from(sql)));
  } catch (error) {
    throw engineError(error, `append ${rows.length} rows to ${table}`);
  }
}

export function sessionOver(client: pg.Client): WarehouseSession {
  return {
    async query<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
      let text = sql;
      try {
        const bound = bindPostgresParams(toPostgresSql(sql), params);
        text = bound.text;
        const result = await client.query({ text: bound.text, values: bound.values });
        const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult) : result;
        return last.rows as T[];
      } catch (error) {
        throw engineError(error, text, params);
      }
    },
    async execute(sql: string, params?: SqlParams): Promise<void> {
      let text = sql;
      try {
        text = toPostgresSql(sql);
        if (params && Object.keys(params).length) {
          const bound = bindPostgresParams(text, params);
          text = bound.text;
          await client.query({ text: bound.text, values: bound.values });
        } else {
          // The simple protocol runs several statements in one round trip.
          await client.query(text);
        }
      } catch (error) {
        throw engineError(error, text, params);
      }
    },
    async copyFromCsv(table, columns, file, options): Promise<number> {
      const sql = postgresCopySql(copyTarget(table, columns), Boolean(options?.header));
      try {
        const stream = client.query(copyStreams.from(sql));
        await pipeline(createReadStream(file), stream);
        return Number(stream.rowCount ?? 0);
      } catch (error) {
        throw engineError(error, sql);
      }
    },
  };
}

async function installCompat(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    // One installer at a time across processes; a current install is left alone.
    await client.query('SELECT pg_advisory_xact_lock(7411001)');
    await client.query('CREATE SCHEMA IF NOT EXISTS strata_compat; CREATE TABLE IF NOT EXISTS strata_compat.installed (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT max(version) AS version FROM strata_compat.installed');
    if ((rows[0]?.version ?? 0) < POSTGRES_COMPAT_VERSION) {
      await client.query(POSTGRES_COMPAT_SQL);
      await client.query('INSERT INTO strata_compat.installed VALUES ($1)', [POSTGRES_COMPAT_VERSION]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Names and types of what a SELECT returns, from the row description of a LIMIT 0 run. */
export async function describeColumns(client: pg.ClientBase, sql: string): Promise<{ name: string; type: string }[]> {
  const text = `SELECT * FROM (${toPostgresSql(sql)}) AS described LIMIT 0`;
  try {
    const { fields } = await client.query({ text });
    const oids = [...new Set(fields.map((f) => f.dataTypeID))];
    const named = await client.query<{ oid: number; name: string }>('SELECT oid::integer AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])', [oids]);
    const byOid = new Map(named.rows.map((r) => [Number(r.oid), r.name.toUpperCase()]));
    return fields.map((f) => ({ name: f.name, type: byOid.get(f.dataTypeID) ?? 'UNKNOWN' }));
  } catch (error) {
    throw engineError(error, text);
  }
}

export async function openPostgresWarehouse(options: OpenWarehouseOptions & { readonly url: string }): Promise<Warehouse> {
  const location = redactUrl(options.url);
  const client = new pg.Client({ connectionString: options.url, types, application_name: 'strata' });
  // A dropped connection must surface on the next statement, not crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new StrataError('STRATA_ERR_ENGINE', `cannot connect to the PostgreSQL warehouse at ${location}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await client.query("SET TimeZone = 'UTC'; SET search_path = public, strata_compat; SET client_min_messages = warning");
    if (options.readOnly) await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    else await installCompat(client);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw engineError(error, 'open the PostgreSQL warehouse');
  }
  const queue = new SerialQueue();
  const session = sessionOver(client);
  let closed = false;

  return {
    dialect: 'postgres',
    location,
    readOnly: options.readOnly ?? false,
    query: (sql, params) => queue.run(() => session.query(sql, params)),
    execute: (sql, params) => queue.run(() => session.execute(sql, params)),
    copyFromCsv: (table, columns, file, copyOptions) => queue.run(() => session.copyFromCsv(table, columns, file, copyOptions)),
    statementKinds: async (sql) => splitStatements(sql).map(statementKindOf),
    describe: (sql) => queue.run(() => describeColumns(client, sql)),
    transaction: (work) =>
      queue.run(async () => {
        await session.execute('BEGIN');
        try {
          const tx: TransactionSession = { ...session, appendRows: (table, rows) => appendRowsByCopy(client, table, rows) };
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
        if (closed) return;
        closed = true;
        await client.end();
      }),
  };
}
