/**
 * Data quality: batch scores over time, rule results, the commonest quarantine reasons and, for
 * engineers, the quarantine browser (every quarantined row with its reason, source file and line).
 */
import { useMemo } from 'react';
import { getQuality, getQuarantine, type QualityReport } from '../api/endpoints';
import { Chart, type ChartOption } from '../charts/chart';
import { DataTable } from '../components/data-table';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { Show } from '../components/state-views';
import { fmtDateTime, fmtInt, fmtNum, fmtRatio } from '../format';
import { useResource } from '../hooks/use-resource';
import { useUrlParams } from '../router/hash-route';
import { roleAtLeast } from '../session/session';
import { useSession } from '../session/use-session';

const PAGE_SIZE = 50;

/** The file's own name; the full path stays in the tooltip. */
const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/** Batches are daily files: the file name's date orders them in time. */
const batchDay = (fileName: string): string | null => /(\d{4}-\d{2}-\d{2})/.exec(fileName)?.[1] ?? null;

function scoresOption(report: QualityReport): ChartOption {
  const batches = [...report.batches].sort((a, b) => (batchDay(a.file_name) ?? a.file_name).localeCompare(batchDay(b.file_name) ?? b.file_name));
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      formatter: (items: readonly { dataIndex: number }[]) => {
        const b = batches[items[0]?.dataIndex ?? 0];
        return b
          ? `<b>${b.file_name}</b><br/>score ${fmtNum(b.quality_score)}<br/>${fmtInt(b.rows_in)} rows in, ${fmtInt(b.rows_quarantined)} quarantined, ${fmtInt(b.rows_warned)} warned, ${fmtInt(b.duplicates_removed)} duplicates`
          : '';
      },
    },
    xAxis: { type: 'category', data: batches.map((b) => batchDay(b.file_name) ?? b.file_name), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', scale: true, max: 100 },
    series: [{ name: 'Quality score', type: 'line', data: batches.map((b) => b.quality_score), showSymbol: batches.length < 80, step: false, areaStyle: { opacity: 0.08 } }],
  };
}

function QuarantineBrowser({ rules }: { readonly rules: readonly string[] }): React.JSX.Element {
  const { get, set } = useUrlParams();
  const rule = get('rule');
  const page = Math.max(0, Number.parseInt(get('page') ?? '0', 10) || 0);
  const rows = useResource(JSON.stringify([rule, page]), (signal) => getQuarantine({ rule_id: rule ?? undefined, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal));
  const total = rows.status === 'ready' ? rows.data.total : null;
  const pages = total === null ? null : Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Panel
      title="Quarantine browser"
      wide
      testId="quarantine-browser"
      actions={
        <>
          <label className="field">
            <span>Rule</span>
            <select name="rule" value={rule ?? ''} onChange={(e) => set({ rule: e.target.value || null, page: null })}>
              <option value="">All rules</option>
              {rules.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button small" disabled={page === 0} onClick={() => set({ page: page > 1 ? String(page - 1) : null })}>
            ← Previous
          </button>
          <span className="small muted" aria-live="polite">
            {pages === null ? '…' : `page ${page + 1} of ${pages} (${fmtInt(total)} rows)`}
          </span>
          <button type="button" className="button small" disabled={pages === null || page + 1 >= pages} onClick={() => set({ page: String(page + 1) })}>
            Next →
          </button>
        </>
      }
    >
      <Show resource={rows} height={200} isEmpty={(d) => d.rows.length === 0} empty="No quarantined rows.">
        {(data) => (
          <DataTable
            caption="Quarantined rows"
            rows={data.rows}
            rowKey={(r, i) => `${r.batch_id}-${r.line}-${r.rule_id}-${i}`}
            maxHeight={480}
            testId="quarantine-table"
            columns={[
              { key: 'file', label: 'File', value: (r) => r.file, render: (r) => <span title={r.file}>{baseName(r.file)}</span> },
              { key: 'line', label: 'Line', value: (r) => r.line, align: 'right' },
              { key: 'rule', label: 'Rule', value: (r) => r.rule_id },
              { key: 'column', label: 'Column', value: (r) => r.column_name },
              { key: 'value', label: 'Value', value: (r) => r.value },
              { key: 'reason', label: 'Reason', value: (r) => r.reason },
              { key: 'batch', label: 'Batch', value: (r) => r.batch_id },
              { key: 'at', label: 'Quarantined', value: (r) => r.quarantined_at, render: (r) => fmtDateTime(r.quarantined_at) },
            ]}
          />
        )}
      </Show>
    </Panel>
  );
}

export default function QualityPage(): React.JSX.Element {
  const session = useSession();
  const report = useResource('quality', (signal) => getQuality(200, signal));
  const ruleIds = useMemo(() => (report.status === 'ready' ? [...new Set(report.data.quarantine.map((q) => q.rule_id))].sort() : []), [report]);

  return (
    <>
      <PageHeader title="Data quality">Every batch is scored; rows that break an error rule are quarantined, never silently dropped.</PageHeader>
      <div className="grid">
        <Panel title="Totals" wide testId="quality-totals">
          <Show resource={report} height={60}>
            {({ totals }) => (
              <dl className="facts">
                <div data-testid="total-batches" data-value={totals.batches}>
                  <dt>Batches</dt>
                  <dd>{fmtInt(totals.batches)}</dd>
                </div>
                <div data-testid="total-rows-in" data-value={totals.rows_in}>
                  <dt>Rows in</dt>
                  <dd>{fmtInt(totals.rows_in)}</dd>
                </div>
                <div>
                  <dt>To silver</dt>
                  <dd>{fmtInt(totals.rows_to_silver)}</dd>
                </div>
                <div data-testid="total-quarantined" data-value={totals.rows_quarantined}>
                  <dt>Quarantined</dt>
                  <dd>{fmtInt(totals.rows_quarantined)}</dd>
                </div>
                <div>
                  <dt>Warned</dt>
                  <dd>{fmtInt(totals.rows_warned)}</dd>
                </div>
                <div>
                  <dt>Duplicates removed</dt>
                  <dd>{fmtInt(totals.duplicates_removed)}</dd>
                </div>
                <div>
                  <dt>Average score</dt>
                  <dd>{fmtNum(totals.average_score)}</dd>
                </div>
              </dl>
            )}
          </Show>
        </Panel>
        <Panel
          title="Batch scores over time"
          wide
          testId="quality-scores"
          note={report.status === 'ready' && report.data.totals.batches > report.data.batches.length ? `Showing the ${report.data.batches.length} lowest-scoring of ${fmtInt(report.data.totals.batches)} batches, in file-date order.` : 'One point per loaded file, in file-date order; 100 is a clean batch.'}
        >
          <Show resource={report} height={280} isEmpty={(d) => d.batches.length === 0} empty="No batches loaded yet.">
            {(data) => <Chart option={scoresOption(data)} label="Quality score of each batch over time" height={280} testId="quality-scores-chart" />}
          </Show>
        </Panel>
        <Panel title="Rule results" wide testId="quality-rules">
          <Show resource={report} height={240} isEmpty={(d) => d.rules.length === 0}>
            {(data) => (
              <DataTable
                caption="Rule results"
                rows={data.rules}
                rowKey={(r) => `${r.target}-${r.rule_id}`}
                maxHeight={420}
                testId="rules-table"
                initialSort={{ key: 'failed', direction: 'descending' }}
                columns={[
                  { key: 'rule', label: 'Rule', value: (r) => r.rule_id },
                  { key: 'severity', label: 'Severity', value: (r) => r.severity },
                  { key: 'target', label: 'Target', value: (r) => r.target },
                  { key: 'checked', label: 'Rows checked', value: (r) => r.rows_checked, render: (r) => fmtInt(r.rows_checked), align: 'right' },
                  { key: 'failed', label: 'Rows failed', value: (r) => r.rows_failed, render: (r) => fmtInt(r.rows_failed), align: 'right' },
                  { key: 'rate', label: 'Fail rate', value: (r) => (r.rows_checked ? r.rows_failed / r.rows_checked : null), render: (r) => (r.rows_checked ? fmtRatio(r.rows_failed / r.rows_checked, 3) : '–'), align: 'right' },
                  { key: 'batches', label: 'Batches failed', value: (r) => r.batches_failed, render: (r) => fmtInt(r.batches_failed), align: 'right' },
                ]}
              />
            )}
          </Show>
        </Panel>
        <Panel title="Quarantine reasons" wide testId="quality-reasons" note="The commonest reasons, each with an example row's source file and line.">
          <Show resource={report} height={240} isEmpty={(d) => d.quarantine.length === 0} empty="Nothing quarantined.">
            {(data) => (
              <DataTable
                caption="Quarantine reasons"
                rows={data.quarantine}
                rowKey={(q) => q.rule_id}
                maxHeight={420}
                testId="reasons-table"
                columns={[
                  { key: 'rule', label: 'Rule', value: (q) => q.rule_id },
                  { key: 'reason', label: 'Reason (example)', value: (q) => q.reason },
                  { key: 'rows', label: 'Rows', value: (q) => q.rows, render: (q) => fmtInt(q.rows), align: 'right' },
                  { key: 'example', label: 'Example file:line', value: (q) => `${q.example_file}:${q.example_line}`, render: (q) => <span title={q.example_file}>{`${baseName(q.example_file)}:${q.example_line}`}</span> },
                ]}
              />
            )}
          </Show>
        </Panel>
        {session && roleAtLeast(session.role, 'engineer') ? (
          <QuarantineBrowser rules={ruleIds} />
        ) : (
          <Panel title="Quarantine browser" wide testId="quarantine-locked">
            <p className="muted">Browsing quarantined rows (raw source values) needs the engineer role; the reasons above are visible to everyone.</p>
          </Panel>
        )}
      </div>
    </>
  );
}
