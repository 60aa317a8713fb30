/** Quarantined rows with their reasons, newest batch first, paged by offset (a small table). */
import type { QuerySource } from './query-source.js';

export const QUARANTINE_PAGE_MAX = 500;

export interface QuarantineRow {
  readonly batch_id: string;
  readonly file: string;
  readonly line: number;
  readonly rule_id: string;
  readonly column_name: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly quarantined_at: string;
}

export async function quarantineRows(
  db: QuerySource,
  options: { readonly batch_id?: string | undefined; readonly rule_id?: string | undefined; readonly limit: number; readonly offset: number },
): Promise<{ total: number; rows: QuarantineRow[] }> {
  const params = { batch_id: options.batch_id ?? null, rule_id: options.rule_id ?? null };
  const where = '($batch_id IS NULL OR batch_id = $batch_id) AND ($rule_id IS NULL OR rule_id = $rule_id)';
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::DOUBLE AS n FROM quality.quarantine WHERE ${where}`, params);
  const rows = await db.query<QuarantineRow>(
    `SELECT batch_id, file, line::DOUBLE AS line, rule_id, column_name, value, reason, quarantined_at::VARCHAR AS quarantined_at
     FROM quality.quarantine WHERE ${where}
     ORDER BY quarantined_at DESC, batch_id, line, rule_id LIMIT $limit OFFSET $offset`,
    { ...params, limit: Math.min(Math.max(1, options.limit), QUARANTINE_PAGE_MAX), offset: Math.max(0, options.offset) },
  );
  return { total: count?.n ?? 0, rows };
}
