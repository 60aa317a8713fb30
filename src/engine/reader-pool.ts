/**
 * The API's read side: N connections beside the one writer, each query with a deadline. DuckDB:
 * extra connections on the process's one instance (duckdb/duckdb-reader-pool.ts). PostgreSQL
 * (`url` set): a pg.Pool of read-only sessions plus one session for the API's own small writes
 * (postgres/pg-reader-pool.ts). Callers see the same interface and pass SQL in the common subset.
 */
import type { DialectName } from './dialect.js';
import { openDuckDBReaderPool } from './duckdb/duckdb-reader-pool.js';
import { openPostgresReaderPool } from './postgres/pg-reader-pool.js';
import type { OpenWarehouseOptions, Row, SqlParams } from './warehouse.js';

export interface ReaderPool {
  readonly dialect: DialectName;
  /** Runs one read with a deadline; a query past it fails with STRATA_ERR_QUERY_TIMEOUT. */
  query<T = Row>(sql: string, params?: SqlParams, options?: { readonly timeoutMs?: number }): Promise<T[]>;
  /**
   * Takes file access away from what the API runs. DuckDB: turns off file access for the whole
   * instance except under `allowedDirectories` (the staging and input folders the pipeline reads),
   * then locks the configuration. PostgreSQL: file access is a privilege of the role the URL logs
   * in as, which Strata cannot take away; this checks it and returns a note for each privilege
   * the role should not have (see docs/architecture.md, "PostgreSQL read side").
   */
  /** PostgreSQL: names and types of what a SELECT returns (DuckDB answers `DESCRIBE (sql)` instead). */
  describe?(sql: string): Promise<readonly { readonly name: string; readonly type: string }[]>;
  lockDown(allowedDirectories: readonly string[]): Promise<readonly string[]>;
  readonly size: number;
  close(): Promise<void>;
}

export interface ReaderPoolOptions extends Pick<OpenWarehouseOptions, 'path' | 'threads' | 'memoryLimit'> {
  /** postgres:// URL: a PostgreSQL pool instead of connections on the DuckDB file at `path`. */
  readonly url?: string | undefined;
  readonly connections: number;
  readonly defaultTimeoutMs: number;
}

export function openReaderPool(options: ReaderPoolOptions): Promise<ReaderPool> {
  return options.url ? openPostgresReaderPool({ ...options, url: options.url }) : openDuckDBReaderPool(options);
}
