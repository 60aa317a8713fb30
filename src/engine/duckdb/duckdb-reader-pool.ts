/**
 * Extra connections on the process's one DuckDB instance (DuckDBInstance.fromCache), so HTTP reads
 * run beside the writer instead of queueing behind a pipeline run. Each query has a deadline after
 * which the connection is interrupted: no request keeps the engine busy for minutes.
 * Parameterised statements stay prepared per connection (the API sends the same few texts with
 * new values), so a request pays for binding and execution, not for parsing and planning again.
 * DuckDB re-plans a prepared statement by itself when a table it reads was replaced (a gold build).
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBResultReader } from '@duckdb/node-api';
import { StrataError } from '../../shared/index.js';
import { engineError } from '../engine-error.js';
import type { Row, SqlParams } from '../warehouse.js';
import type { ReaderPool, ReaderPoolOptions } from '../reader-pool.js';
import { toDuckDBParams } from './duckdb-params.js';

/** Prepared statements kept per connection, least recently used dropped first. */
const PREPARED_PER_CONNECTION = 64;

/** Must match the settings openDuckDBWarehouse passes, or fromCache refuses the second open. */
function settingsOf(options: ReaderPoolOptions): Record<string, string> {
  const settings: Record<string, string> = {};
  if (options.threads) settings['threads'] = String(options.threads);
  if (options.memoryLimit) settings['memory_limit'] = options.memoryLimit;
  return settings;
}

export async function openDuckDBReaderPool(options: ReaderPoolOptions): Promise<ReaderPool> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.fromCache(options.path, settingsOf(options));
  } catch (error) {
    throw engineError(error, `open ${options.path}`);
  }
  const idle: DuckDBConnection[] = [];
  for (let i = 0; i < Math.max(1, options.connections); i++) idle.push(await instance.connect());
  const all = [...idle];
  const prepared = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>(all.map((c) => [c, new Map()]));

  /** Runs `sql` with bound values on a statement prepared once per connection and text. */
  const runPrepared = async (connection: DuckDBConnection, sql: string, values: NonNullable<ReturnType<typeof toDuckDBParams>>): Promise<DuckDBResultReader> => {
    const statements = prepared.get(connection)!;
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else {
      try {
        statement = await connection.prepare(sql);
      } catch {
        // Not one preparable statement (e.g. several): run it the plain way, which reports the error if any.
        return connection.runAndReadAll(sql, values.values, values.types);
      }
    }
    statements.set(sql, statement);
    if (statements.size > PREPARED_PER_CONNECTION) {
      const [oldest, old] = statements.entries().next().value!;
      statements.delete(oldest);
      old.destroySync();
    }
    try {
      statement.clearBindings();
      statement.bind(values.values, values.types);
      return await statement.runAndReadAll();
    } catch (error) {
      // Whatever went wrong, the next use prepares afresh.
      statements.delete(sql);
      statement.destroySync();
      throw error;
    }
  };
  const waiters: ((c: DuckDBConnection) => void)[] = [];

  const acquire = (): Promise<DuckDBConnection> => {
    const free = idle.pop();
    return free ? Promise.resolve(free) : new Promise((resolve) => waiters.push(resolve));
  };
  const release = (connection: DuckDBConnection): void => {
    const next = waiters.shift();
    if (next) next(connection);
    else idle.push(connection);
  };

  return {
    dialect: 'duckdb',
    size: all.length,
    async query<T = Row>(sql: string, params?: SqlParams, queryOptions?: { readonly timeoutMs?: number }): Promise<T[]> {
      const connection = await acquire();
      const timeoutMs = queryOptions?.timeoutMs ?? options.defaultTimeoutMs;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        connection.interrupt();
      }, timeoutMs);
      try {
        const bound = toDuckDBParams(params);
        const reader = bound ? await runPrepared(connection, sql, bound) : await connection.runAndReadAll(sql);
        return reader.getRowObjectsJson() as T[];
      } catch (error) {
        if (timedOut) {
          throw new StrataError('STRATA_ERR_QUERY_TIMEOUT', `the query took longer than ${timeoutMs} ms and was stopped`, { cause: error });
        }
        throw engineError(error, sql, params);
      } finally {
        clearTimeout(timer);
        release(connection);
      }
    },
    async lockDown(allowedDirectories) {
      const connection = await acquire();
      try {
        const dirs = allowedDirectories.map((d) => `'${d.replaceAll("'", "''")}'`).join(', ');
        await connection.run(`SET allowed_directories = [${dirs}]`);
        await connection.run('SET enable_external_access = false');
        await connection.run('SET lock_configuration = true');
        return [];
      } catch (error) {
        throw engineError(error, 'lock down external access');
      } finally {
        release(connection);
      }
    },
    async close() {
      for (const statements of prepared.values()) for (const statement of statements.values()) statement.destroySync();
      prepared.clear();
      for (const connection of all) connection.closeSync();
    },
  };
}
