/** What `strata quality` prints: batch scores, rule results and the commonest quarantine reasons. */
import type { Warehouse } from '../engine/index.js';

export interface QualityReport {
  readonly totals: { batches: number; rows_in: number; rows_to_silver: number; rows_quarantined: number; rows_warned: number; duplicates_removed: number; average_score: number | null };
  readonly batches: readonly { batch_id: string; file_name: string; rows_in: number; rows_quarantined: number; rows_warned: number; duplicates_removed: number; quality_score: number | null }[];
  readonly rules: readonly { rule_id: string; severity: string; target: string; rows_checked: number; rows_failed: number; batches_failed: number }[];
  readonly quarantine: readonly { rule_id: string; reason: string; rows: number; example_file: string; example_line: number }[];
}

export async function qualityReport(warehouse: Warehouse, options: { batchId?: string; limit?: number } = {}): Promise<QualityReport> {
  const batchFilter = options.batchId ? 'WHERE batch_id = $batch_id' : '';
  const params: Record<string, string> = options.batchId ? { batch_id: options.batchId } : {};
  const [totals] = await warehouse.query<QualityReport['totals']>(
    `SELECT count(*)::INTEGER AS batches, coalesce(sum(rows_in), 0)::BIGINT::DOUBLE AS rows_in,
            coalesce(sum(rows_to_silver), 0)::DOUBLE AS rows_to_silver, coalesce(sum(rows_quarantined), 0)::DOUBLE AS rows_quarantined,
            coalesce(sum(rows_warned), 0)::DOUBLE AS rows_warned, coalesce(sum(duplicates_removed), 0)::DOUBLE AS duplicates_removed,
            round(avg(quality_score), 2)::DOUBLE AS average_score
     FROM bronze.batches ${batchFilter}`,
    params,
  );
  const batches = await warehouse.query<QualityReport['batches'][number]>(
    `SELECT batch_id, file_name, rows_in::DOUBLE AS rows_in, rows_quarantined::DOUBLE AS rows_quarantined, rows_warned::DOUBLE AS rows_warned,
            duplicates_removed::DOUBLE AS duplicates_removed, quality_score
     FROM bronze.batches ${batchFilter} ORDER BY quality_score NULLS FIRST, loaded_at, file_name, batch_id LIMIT $limit`,
    { ...params, limit: options.limit ?? 20 },
  );
  const rules = await warehouse.query<QualityReport['rules'][number]>(
    `WITH latest AS (
       SELECT rule_id, severity, target, rows_checked, rows_failed, passed FROM (
         SELECT *, row_number() OVER (PARTITION BY batch_id, rule_id ORDER BY evaluated_at DESC) AS rn FROM quality.check_results
         WHERE batch_id IS NOT NULL ${options.batchId ? 'AND batch_id = $batch_id' : ''}
       ) AS ranked WHERE rn = 1
       UNION ALL
       SELECT rule_id, severity, target, rows_checked, rows_failed, passed FROM quality.check_results
       WHERE batch_id IS NULL AND run_id = (SELECT run_id FROM quality.check_results WHERE batch_id IS NULL ORDER BY evaluated_at DESC LIMIT 1)
     )
     SELECT rule_id, severity, target, sum(rows_checked)::DOUBLE AS rows_checked, sum(rows_failed)::DOUBLE AS rows_failed,
            count(*) FILTER (WHERE NOT passed)::INTEGER AS batches_failed
     FROM latest GROUP BY rule_id, severity, target ORDER BY target, severity, rows_failed DESC, rule_id`,
    params,
  );
  const quarantine = await warehouse.query<QualityReport['quarantine'][number]>(
    // One example row per rule: reason, file and line must come from the same row, also when
    // two files quarantined the same line number.
    `SELECT rule_id, first(reason ORDER BY line, file) AS reason, count(*)::INTEGER AS rows,
            first(file ORDER BY line, file) AS example_file, min(line)::INTEGER AS example_line
     FROM quality.quarantine ${batchFilter}
     GROUP BY rule_id ORDER BY rows DESC, rule_id LIMIT $limit`,
    { ...params, limit: options.limit ?? 20 },
  );
  return { totals: totals!, batches, rules, quarantine };
}
