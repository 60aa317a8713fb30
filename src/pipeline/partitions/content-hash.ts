/**
 * A content hash of a table: md5 over its rows rendered as text, in the order of `orderBy` (the
 * model's key), so two builds that hold the same rows hash the same whatever their storage order.
 */
import { assertSafeIdent, type WarehouseSession } from '../../engine/index.js';

export async function contentHash(session: WarehouseSession, table: string, orderBy: readonly string[], where?: { sql: string; params: Record<string, number> }): Promise<{ md5: string; rows: number }> {
  const [schema, name] = table.split('.');
  const qualified = `${assertSafeIdent(schema!)}.${assertSafeIdent(name!)}`;
  const order = orderBy.map((c) => assertSafeIdent(c)).join(', ');
  const [row] = await session.query<{ md5: string | null; rows: number }>(
    `SELECT coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY ${order})), md5('')) AS md5, count(*)::INTEGER AS rows FROM ${qualified} AS t${where ? ` WHERE ${where.sql}` : ''}`,
    where?.params,
  );
  return { md5: row!.md5 ?? '', rows: row!.rows };
}
