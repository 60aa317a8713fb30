/**
 * Which day partitions of a partitioned model are out of date, read from the event log (so it is
 * as crash-safe as the log: an event commits with the rows it describes). Since the model's last
 * materialisation, each asset its SQL reads tells what changed:
 * - quality_silver and partitioned models: `rows_written` events naming the days they wrote;
 * - other models: their `asset_materialized` detail, either `changed_partitions` (models carrying
 *   the day column diff themselves per day) or `content_changed`; a change that cannot be placed
 *   on days (a dim whose existing rows changed) means every partition is out of date. A model
 *   that only gained rows (`rows_added_only`: every previous row still there, unchanged, such as
 *   dim_country when a new country arrives, its keys being derived from the country) changes no
 *   partition built before: a partitioned model joins it on a key, and rows carrying a new key
 *   value can only be rows that arrived since, whose days are rebuilt anyway (for dim_country:
 *   it holds every country of silver whenever fact_sales is built, being upstream of it).
 * A model never materialised, whose relation is missing, or whose SQL changed is rebuilt whole.
 */
import { createHash } from 'node:crypto';
import type { WarehouseSession } from '../../engine/index.js';
import type { AssetDef } from '../assets/index.js';
import { isDay, sortedDays } from './day-partitions.js';

export type PartitionScope = { readonly kind: 'full'; readonly reason: string } | { readonly kind: 'days'; readonly days: readonly string[] };

/** What a materialisation records in its `asset_materialized` detail, for the models downstream. */
export interface MaterializationDetail {
  /** The model's SQL hash: partitions built from other SQL are not kept. */
  readonly sql_md5?: string;
  /** A partitioned model built whole (every partition may have changed). */
  readonly full?: boolean;
  /** Days whose rows this build wrote or changed. */
  readonly changed_partitions?: readonly string[];
  /** For models without the day column: whether the content differs from the previous build. */
  readonly content_changed?: boolean;
  /** With content_changed: the build only added rows; every previous row is still there, unchanged. */
  readonly rows_added_only?: boolean;
}

export const sqlHash = (sql: string): string => createHash('md5').update(sql).digest('hex');

interface EventRow { readonly event_id: number; readonly asset: string; readonly kind: string; readonly partition_key: string | null; readonly detail: string | null }

export async function partitionScope(session: WarehouseSession, asset: AssetDef, requested: readonly string[]): Promise<PartitionScope> {
  const name = asset.key.replace(/^gold\./, '');
  const exists = await session.query(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'gold' AND table_name = $name`, { name });
  if (!exists.length) return { kind: 'full', reason: 'missing' };
  const [last] = await session.query<{ event_id: number; detail: string | null }>(
    `SELECT event_id::DOUBLE AS event_id, detail::VARCHAR AS detail FROM meta.events WHERE kind = 'asset_materialized' AND asset = $asset ORDER BY event_id DESC LIMIT 1`,
    { asset: asset.key },
  );
  if (!last) return { kind: 'full', reason: 'never materialised' };
  const own = (last.detail ? JSON.parse(last.detail) : {}) as MaterializationDetail;
  if (own.sql_md5 !== sqlHash(asset.sql ?? '')) return { kind: 'full', reason: 'its SQL changed' };
  const reads = asset.reads ?? asset.deps;
  if (!reads.length) return { kind: 'days', days: sortedDays(requested) };
  const events = await session.query<EventRow>(
    `SELECT event_id::DOUBLE AS event_id, asset, kind, partition_key, detail::VARCHAR AS detail FROM meta.events
     WHERE event_id > $since AND kind IN ('rows_written', 'asset_materialized') AND list_contains($reads, asset)
     ORDER BY event_id`,
    { since: last.event_id, reads: [...reads] },
  );
  const days = new Set(requested);
  for (const e of events) {
    if (e.kind === 'rows_written') {
      if (isDay(e.partition_key)) days.add(e.partition_key);
      continue;
    }
    const detail = (e.detail ? JSON.parse(e.detail) : {}) as MaterializationDetail;
    if (detail.full) return { kind: 'full', reason: `${e.asset} was rebuilt whole` };
    if (detail.changed_partitions) detail.changed_partitions.forEach((d) => days.add(d));
    else if (detail.content_changed !== false && !detail.rows_added_only && e.asset.startsWith('gold.')) return { kind: 'full', reason: `${e.asset} changed` };
  }
  return { kind: 'days', days: sortedDays(days) };
}
