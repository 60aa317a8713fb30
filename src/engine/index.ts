export type { OpenWarehouseOptions, Row, SqlParams, SqlValue, Warehouse, WarehouseSession, TransactionSession, AppendValue } from './warehouse.js';
export { quoteIdent, quoteLiteral, assertSafeIdent } from './sql-text.js';
export { openWarehouse } from './open-warehouse.js';
export { openDuckDBWarehouse } from './duckdb/duckdb-warehouse.js';
export { openPostgresWarehouse, redactUrl } from './postgres/pg-warehouse.js';
export { POSTGRES_COMPAT_FUNCTIONS, type DialectName } from './dialect.js';
export { migrate } from './migrate.js';
export { openReaderPool, type ReaderPool, type ReaderPoolOptions } from './reader-pool.js';
