/** The one thing observability needs from a warehouse: run a read and get rows back (structural, no engine import). */
export interface SqlSource {
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, string | number | boolean | null | readonly string[]>>): Promise<T[]>;
}

/** DuckDB returns BIGINT and DECIMAL as strings; gauges want numbers. */
export const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
};
