import { openDuckDBWarehouse } from './duckdb/duckdb-warehouse.js';
import { openPostgresWarehouse } from './postgres/pg-warehouse.js';
import type { OpenWarehouseOptions, Warehouse } from './warehouse.js';

/** The PostgreSQL adapter when `url` is set, else embedded DuckDB at `path`. */
export function openWarehouse(options: OpenWarehouseOptions): Promise<Warehouse> {
  return options.url ? openPostgresWarehouse({ ...options, url: options.url }) : openDuckDBWarehouse(options);
}
