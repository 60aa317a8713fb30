import type { Command } from 'commander';
import { qualityReport } from '../../../quality/index.js';
import { contextOf, withReadOnlyWarehouse } from '../../context.js';
import { formatNumber, table } from '../../output.js';

export function register(program: Command): void {
  program
    .command('quality')
    .description('quality report: batch scores, rule results and quarantine reasons')
    .option('--batch <id>', 'only this batch')
    .option('--limit <n>', 'rows per section', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: { batch?: string; limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const report = await withReadOnlyWarehouse(ctx, (w) => qualityReport(w, { ...(options.batch ? { batchId: options.batch } : {}), limit: options.limit }));
      ctx.out.result(report, () => {
        const t = report.totals;
        return [
          `${t.batches} batches, ${formatNumber(t.rows_in)} rows in: ${formatNumber(t.rows_to_silver)} to silver, ${formatNumber(t.rows_quarantined)} quarantined, ${formatNumber(t.duplicates_removed)} duplicates removed, ${formatNumber(t.rows_warned)} warned; average score ${t.average_score ?? 'n/a'}`,
          'lowest-scoring batches:',
          table(['batch', 'file', 'rows', 'quarantined', 'warned', 'duplicates', 'score'], report.batches.map((b) => [b.batch_id, b.file_name, formatNumber(b.rows_in), formatNumber(b.rows_quarantined), formatNumber(b.rows_warned), formatNumber(b.duplicates_removed), b.quality_score])),
          'rules (latest result per batch; gold checks from the latest build):',
          table(['target', 'rule', 'severity', 'checked', 'failed', 'batches failed'], report.rules.map((r) => [r.target, r.rule_id, r.severity, formatNumber(r.rows_checked), formatNumber(r.rows_failed), r.batches_failed])),
          'quarantine reasons:',
          table(['rule', 'rows', 'example', 'reason'], report.quarantine.map((q) => [q.rule_id, formatNumber(q.rows), `${q.example_file}:${q.example_line}`, q.reason.slice(0, 80)])),
        ].join('\n');
      });
    });
}
