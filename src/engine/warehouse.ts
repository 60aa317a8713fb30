/**
 * The one interface every warehouse adapter implements. Callers pass SQL with named `$params`
 * and get rows back as JSON-safe objects (BIGINT and DECIMAL arrive as strings, so money stays exact).
 */
import type { DialectName } from './dialect.js';

export type SqlValue = string | number | bigint | boolean | null | readonly string[];
export type SqlParams = Readonly<Record<string, SqlValue>>;
export type Row = Record<string, unknown>;

export interface WarehouseSession {
  /** Runs one statement and returns its rows. */
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs one or more statements for their effect. Params only with a single statement. */
  execute(sql: string, params?: SqlParams): Promise<void>;
  /**
   * Bulk-loads a CSV file (UTF-8, comma, double quotes; an unquoted empty field is NULL, "" the
   * empty string) into `table` (schema.name) in one engine operation: PostgreSQL streams it through
   * COPY FROM STDIN, DuckDB reads it with COPY FROM. Returns the rows loaded.
   */
  copyFromCsv(table: string, columns: readonly string[], file: string, options?: { readonly header?: boolean }): Promise<number>;
}

/** A value the bulk loader appends: text, a number (cast to the column's type), or null. */
export type AppendValue = string | number | null;

/** The session a transaction hands out: statements, plus bulk loading into a table. */
export interface TransactionSession extends WarehouseSession {
  /**
   * Appends rows to `table` (`schema.table`, or `temp.table` for a temporary one) in the current
   * transaction, values in the table's column order. The DuckDB appender: about 5 us a row of ten
   * columns, where binding the same rows as one JSON parameter costs several times that.
   * `table` comes from code, never from input.
   */
  appendRows(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void>;
}

export interface Warehouse extends WarehouseSession {
  readonly dialect: DialectName;
  readonly location: string;
  readonly readOnly: boolean;
  /** The kind of each statement in `sql` (SELECT, INSERT, ...), as the engine parses it. */
  statementKinds(sql: string): Promise<readonly string[]>;
  /** PostgreSQL: names and types of what a SELECT returns (DuckDB answers `DESCRIBE (sql)` instead). */
  describe?(sql: string): Promise<readonly { readonly name: string; readonly type: string }[]>;
  /** Runs `work` in one transaction: all of it commits, or none of it is visible. */
  transaction<T>(work: (session: TransactionSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenWarehouseOptions {
  /** DuckDB: file path, or ':memory:'. Ignored when `url` is set. */
  readonly path: string;
  /** postgres:// URL: the PostgreSQL adapter instead of DuckDB. */
  readonly url?: string | undefined;
  readonly readOnly?: boolean;
  /** Turn off reading and writing files from SQL (for analyst queries and the API). */
  readonly disableExternalAccess?: boolean;
  readonly threads?: number;
  readonly memoryLimit?: string;
  /**
   * Close the database itself on close(), not only the connection, so another process can open
   * the file next (DuckDB keeps a file locked while any instance of it is open in a process).
   */
  readonly releaseOnClose?: boolean;
}
