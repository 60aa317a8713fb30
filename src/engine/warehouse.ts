/**
 * The one interface every warehouse adapter implements. Callers pass SQL with named `$params`
 * and get rows back as JSON-safe objects (BIGINT and DECIMAL arrive as strings, so money stays exact).
 */
export type SqlValue = string | number | bigint | boolean | null | readonly string[];
export type SqlParams = Readonly<Record<string, SqlValue>>;
export type Row = Record<string, unknown>;

export interface WarehouseSession {
  /** Runs one statement and returns its rows. */
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs one or more statements for their effect. Params only with a single statement. */
  execute(sql: string, params?: SqlParams): Promise<void>;
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
  readonly dialect: 'duckdb';
  readonly location: string;
  readonly readOnly: boolean;
  /** The kind of each statement in `sql` (SELECT, INSERT, ...), as the engine parses it. */
  statementKinds(sql: string): Promise<readonly string[]>;
  /** Runs `work` in one transaction: all of it commits, or none of it is visible. */
  transaction<T>(work: (session: TransactionSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenWarehouseOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  readonly readOnly?: boolean;
  /** Turn off reading and writing files from SQL (for analyst queries and the API). */
  readonly disableExternalAccess?: boolean;
  readonly threads?: number;
  readonly memoryLimit?: string;
}
