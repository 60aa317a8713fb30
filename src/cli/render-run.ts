/** Human rendering of a pipeline result: per-file outcome, per-batch accounting, totals. */
import { describeError } from '../shared/index.js';
import { pipelineResultJson, type PipelineResult } from '../pipeline/index.js';
import { formatNumber, table } from './output.js';

export const runAsJson = (result: PipelineResult): unknown => pipelineResultJson(result);

export function runAsText(result: PipelineResult): string {
  const lines: string[] = [];
  for (const p of result.pulls) lines.push(`pulled ${p.source}: ${formatNumber(p.rows)} rows in ${p.pages.length} page(s), ${p.requests} request(s) to ${p.resource}`);
  const failed = result.files.filter((f) => f.status === 'failed');
  const skipped = result.files.filter((f) => f.status === 'skipped');
  const loaded = result.files.filter((f) => f.status === 'loaded');
  if (result.files.length) lines.push(`files: ${loaded.length} loaded, ${skipped.length} already loaded (no-op), ${failed.length} failed`);
  for (const f of failed) if (f.status === 'failed') lines.push(`  error: ${describeError(f.error)}`);
  for (const f of loaded) {
    if (f.status !== 'loaded') continue;
    const drift = f.batch.file.mapping.extras.map((e) => e.name);
    if (drift.length) lines.push(`  schema drift in ${f.file}: extra column(s) ${drift.join(', ')} kept in bronze._extra`);
    if (f.batch.dateOrderSource === 'assumed') lines.push(`  ${f.file}: day/month order is ambiguous; assumed ${f.batch.dateOrder} (override with --date-order)`);
  }
  if (result.batches.length) {
    const shown = result.batches.length > 15 ? [...result.batches.slice(0, 10), null, ...result.batches.slice(-3)] : result.batches;
    lines.push(
      table(
        ['batch', 'file', 'rows in', 'to silver', 'quarantined', 'duplicates', 'score'],
        shown.map((b) => (b ? [b.batch_id, b.file_path.split('/').pop(), formatNumber(b.rows_in), formatNumber(b.rows_to_silver), formatNumber(b.rows_quarantined), formatNumber(b.duplicates_removed), b.quality_score] : ['...', `${result.batches.length - 13} more`, '', '', '', '', ''])),
      ),
    );
    const t = result.totals;
    lines.push(`this run: ${formatNumber(t.rows_in)} rows in = ${formatNumber(t.rows_to_silver)} to silver + ${formatNumber(t.rows_quarantined)} quarantined + ${formatNumber(t.duplicates_removed)} duplicates removed`);
  } else if (loaded.length) {
    const rows = loaded.reduce((sum, f) => sum + (f.status === 'loaded' ? f.batch.rowsIn : 0), 0);
    lines.push(`landed ${formatNumber(rows)} rows in bronze in ${loaded.length} batch(es); \`strata run\` checks and models them`);
  } else if (!result.error) {
    lines.push('nothing new to process');
  }
  for (const m of result.gold?.models ?? []) {
    if (m.partitions) lines.push(`gold.${m.name}: ${m.partitions === 'all' ? 'every partition rebuilt' : m.partitions.length ? `rebuilt ${m.partitions.length} day partition(s) ${m.partitions.length > 6 ? `${m.partitions[0]} .. ${m.partitions.at(-1)}` : m.partitions.join(', ')}` : 'no partition out of date'} (${m.ms} ms)`);
  }
  const w = result.warehouseTotals;
  lines.push(`warehouse: ${w.batches} batches, ${formatNumber(w.rows_in)} rows in, ${formatNumber(w.rows_to_silver)} in silver, ${formatNumber(w.gold_lines)} gold lines, net revenue £${formatNumber(w.gold_revenue_gbp)}`);
  if (result.error) lines.push(`error: ${describeError(result.error)}`);
  lines.push(`run ${result.runId}: ${result.status} in ${(result.durationMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}
