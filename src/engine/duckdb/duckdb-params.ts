import { LIST, VARCHAR, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { SqlParams } from '../warehouse.js';

export interface BoundParams {
  readonly values: Record<string, DuckDBValue>;
  readonly types: Record<string, DuckDBType | undefined>;
}

/**
 * Converts our JSON-like params to DuckDB values. Lists are always VARCHAR[] (cast in SQL where
 * another type is meant), so an empty list still has a type.
 */
export function toDuckDBParams(params: SqlParams | undefined): BoundParams | undefined {
  if (!params) return undefined;
  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType | undefined> = {};
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      values[key] = listValue(value.map(String));
      types[key] = LIST(VARCHAR);
    } else {
      values[key] = value as DuckDBValue;
      types[key] = undefined;
    }
  }
  return { values, types };
}
