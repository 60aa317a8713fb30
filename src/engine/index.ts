export type { OpenWarehouseOptions, Row, SqlParams, SqlValue, Warehouse, WarehouseSession, TransactionSession, AppendValue } from './warehouse.js';
export { quoteIdent, quoteLiteral, assertSafeIdent } from './sql-text.js';
export { openDuckDBWarehouse as openWarehouse } from './duckdb/duckdb-warehouse.js';
export { migrate } from './migrate.js';
export { openReaderPool, type ReaderPool, type ReaderPoolOptions } from './duckdb/duckdb-reader-pool.js';
