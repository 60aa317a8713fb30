import { assertSafeIdent } from './sql-text.js';

/** `schema.table (a, b)` for a bulk load, every name checked against the identifier allow-list. */
export function copyTarget(table: string, columns: readonly string[]): string {
  const name = table.split('.').map(assertSafeIdent).join('.');
  return `${name} (${columns.map(assertSafeIdent).join(', ')})`;
}
