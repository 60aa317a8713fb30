/**
 * The API's read side on PostgreSQL: a pg.Pool of `connections` sessions, each opened with
 * default_transaction_read_only = on (PostgreSQL refuses INSERT, UPDATE, DELETE, DDL and
 * data-modifying CTEs in them), TimeZone UTC and the strata_compat functions on the search path.
 * Every query has a deadline, enforced by the server (statement_timeout cancels the statement;
 * SQLSTATE 57014 becomes STRATA_ERR_QUERY_TIMEOUT). SQL arrives in the common subset and is
 * rewritten by ../dialect.ts, as on the writer.
 *
 * The API also keeps a few small tables of its own (api.users, api.keys, api.refresh_tokens,
 * api.audit_log, api.idempotency_keys, meta.alert_*). Statements whose kind is INSERT, UPDATE,
 * DELETE or MERGE go to one separate read-write session, serialised; everything else (SELECT,
 * VALUES, WITH ... SELECT, and whatever is not recognised) runs read-only. The routing is by the
 * statement's leading verb (statementKindOf), and only code-written SQL reaches the pool.
 */
import pg from 'pg';
import { StrataError } from '../../shared/index.js';
import { statementKindOf } from '../dialect.js';
import type { ReaderPool, ReaderPoolOptions } from '../reader-pool.js';
import type { Row, SqlParams } from '../warehouse.js';
import { describeColumns, redactUrl, sessionOver, types } from './pg-warehouse.js';

const WRITE_KINDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE_INTO']);
/** SQLSTATE query_canceled: what statement_timeout raises. */
const QUERY_CANCELED = '57014';

/** Session settings given at connection start (the startup packet), so no session runs without them. */
const startupOptions = (readOnly: boolean, timeoutMs: number): string =>
  [
    '-c TimeZone=UTC',
    '-c search_path=public,strata_compat',
    '-c client_min_messages=warning',
    `-c statement_timeout=${timeoutMs}`,
    `-c default_transaction_read_only=${readOnly ? 'on' : 'off'}`,
  ].join(' ');

const sqlStateOf = (error: unknown): string | undefined => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
};

export async function openPostgresReaderPool(options: ReaderPoolOptions & { readonly url: string }): Promise<ReaderPool> {
  const location = redactUrl(options.url);
  const size = Math.max(1, options.connections);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: size,
    types,
    application_name: 'strata-api-reader',
    options: startupOptions(true, options.defaultTimeoutMs),
    idleTimeoutMillis: 0,
  });
  // A dropped idle connection must not crash the process; the next query gets a fresh one.
  pool.on('error', () => undefined);
  const writerClient = new pg.Client({ connectionString: options.url, types, application_name: 'strata-api-writer', options: startupOptions(false, options.defaultTimeoutMs) });
  writerClient.on('error', () => undefined);
  try {
    await writerClient.connect();
    // Open the readers now, so a bad URL or a full server fails the start, not the first request.
    const opened = await Promise.all(Array.from({ length: size }, () => pool.connect()));
    for (const client of opened) client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    await writerClient.end().catch(() => undefined);
    throw new StrataError('STRATA_ERR_ENGINE', `cannot open the API's connections to the PostgreSQL warehouse at ${location}: ${(error as Error).message}`, { cause: error });
  }
  /** statement_timeout currently set on each session, so it is changed only when a query asks for another. */
  const timeouts = new WeakMap<pg.ClientBase, number>();
  let writerTail: Promise<unknown> = Promise.resolve();

  const run = async <T>(client: pg.ClientBase, sql: string, params: SqlParams | undefined, timeoutMs: number): Promise<T[]> => {
    if ((timeouts.get(client) ?? options.defaultTimeoutMs) !== timeoutMs) {
      await client.query(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      timeouts.set(client, timeoutMs);
    }
    try {
      return await sessionOver(client as pg.Client).query<T>(sql, params);
    } catch (error) {
      if (sqlStateOf(error) === QUERY_CANCELED) {
        throw new StrataError('STRATA_ERR_QUERY_TIMEOUT', `the query took longer than ${timeoutMs} ms and was stopped`, { cause: error });
      }
      throw error;
    }
  };

  const readers: ReaderPool = {
    dialect: 'postgres',
    size,
    async query<T = Row>(sql: string, params?: SqlParams, queryOptions?: { readonly timeoutMs?: number }): Promise<T[]> {
      const timeoutMs = queryOptions?.timeoutMs ?? options.defaultTimeoutMs;
      if (WRITE_KINDS.has(statementKindOf(sql))) {
        const next = writerTail.then(() => run<T>(writerClient, sql, params, timeoutMs));
        writerTail = next.catch(() => undefined);
        return next;
      }
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await run<T>(client, sql, params, timeoutMs);
      } catch (error) {
        // A connection-level failure (no SQLSTATE) is not given back to the pool.
        if (!sqlStateOf(error)) broken = error as Error;
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async describe(sql: string) {
      const client = await pool.connect();
      try {
        return await describeColumns(client, sql);
      } finally {
        client.release();
      }
    },
    async lockDown() {
      // Read-only sessions stop writes, not reads of the server's files: pg_read_file(),
      // COPY ... TO/FROM a file or PROGRAM and lo_import() are privileges of the role itself.
      const [role] = await readers.query<{ name: string; superuser: boolean; read_files: boolean; write_files: boolean; program: boolean; read_only: string }>(
        `SELECT current_user::text AS name, r.rolsuper AS superuser,
                pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read_files,
                pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write_files,
                pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS program,
                current_setting('default_transaction_read_only') AS read_only
         FROM pg_roles AS r WHERE r.rolname = current_user`,
      );
      if (role?.read_only !== 'on') throw new StrataError('STRATA_ERR_ENGINE', 'the API reader sessions are not read-only (default_transaction_read_only is off)');
      const notes: string[] = [];
      if (role.superuser) {
        notes.push(
          `the API connects to PostgreSQL as superuser ${role.name}, which can read and write the server's files whatever the session settings; ` +
            'give it a role without SUPERUSER and without pg_read_server_files, pg_write_server_files, pg_execute_server_program (docs/architecture.md)',
        );
      } else {
        const granted = [role.read_files && 'pg_read_server_files', role.write_files && 'pg_write_server_files', role.program && 'pg_execute_server_program'].filter(Boolean);
        if (granted.length) notes.push(`the API's PostgreSQL role ${role.name} is a member of ${granted.join(', ')}, so it can reach the server's files; revoke that (docs/architecture.md)`);
      }
      return notes;
    },
    async close() {
      await writerTail.catch(() => undefined);
      await Promise.all([pool.end(), writerClient.end()]);
    },
  };
  return readers;
}
