/** Normalises the query endpoint's answer: rows as objects, column names in order, timings. */
import type { SqlResult } from '../api/types';

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly truncated: boolean;
  /** Engine time reported by the server, when it reports one. */
  readonly serverMs: number | null;
  /** Round trip measured here. */
  readonly roundTripMs: number;
}

export function normaliseResult(body: SqlResult, roundTripMs: number): QueryResult {
  const rawColumns: readonly unknown[] = Array.isArray(body.columns) ? body.columns : [];
  const columns = rawColumns.length
    ? rawColumns.map((c) => (typeof c === 'string' ? c : c && typeof c === 'object' && 'name' in c ? String((c as { name: unknown }).name) : String(c)))
    : Object.keys(body.rows[0] ?? {});
  // Rows may come as arrays (columnar-friendly) or objects.
  const rows = body.rows.map((r) => (Array.isArray(r) ? Object.fromEntries(columns.map((c, i) => [c, (r as unknown[])[i]])) : r));
  return { columns, rows, truncated: body.truncated === true, serverMs: typeof body.duration_ms === 'number' ? body.duration_ms : null, roundTripMs };
}

/** Numeric columns (every non-null value is a number, or a numeric string from a DECIMAL/BIGINT). */
export function numericColumns(result: QueryResult): string[] {
  return result.columns.filter((c) => {
    let seen = 0;
    for (const row of result.rows) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))) seen++;
      else return false;
    }
    return seen > 0;
  });
}
