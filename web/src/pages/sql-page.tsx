/**
 * SQL console (analysts and above): read-only SQL over silver and gold through the API. The
 * result is a sortable table with a quick chart of any two columns, a CSV download, the query's
 * duration, and saved queries; a refused or broken query shows the engine's error.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError } from '../api/client';
import { getCapabilities } from '../api/capabilities';
import { runSql } from '../api/endpoints';
import { useResource } from '../hooks/use-resource';
import { Chart, type ChartOption } from '../charts/chart';
import { DataTable, formatCell } from '../components/data-table';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { Loading } from '../components/state-views';
import { fmtInt, fmtMs } from '../format';
import { useUrlParams } from '../router/hash-route';
import { toCsv } from '../sql/csv';
import { normaliseResult, numericColumns, type QueryResult } from '../sql/result';
import { deleteQuery, loadSaved, saveQuery, type SavedQuery } from '../sql/saved-queries';

const EXAMPLE = `SELECT country, round(sum(line_total_gbp), 2) AS revenue_gbp, count(DISTINCT invoice_no) AS invoices
FROM gold.fact_sales JOIN gold.dim_country USING (country_key)
GROUP BY country
ORDER BY revenue_gbp DESC
LIMIT 20`;

const LIMITS = ['100', '1000', '10000'] as const;
type RunState = { status: 'idle' } | { status: 'running' } | { status: 'done'; result: QueryResult } | { status: 'failed'; error: Error; ms: number };

function QuickChart({ result }: { readonly result: QueryResult }): React.JSX.Element {
  const numeric = useMemo(() => numericColumns(result), [result]);
  const [x, setX] = useState(result.columns[0] ?? '');
  const [y, setY] = useState(numeric.find((c) => c !== result.columns[0]) ?? numeric[0] ?? '');
  const [kind, setKind] = useState<'bar' | 'line' | 'scatter'>('bar');
  const xCol = result.columns.includes(x) ? x : (result.columns[0] ?? '');
  const yCol = numeric.includes(y) ? y : (numeric[0] ?? '');
  const option = useMemo((): ChartOption | null => {
    if (!xCol || !yCol) return null;
    const rows = result.rows.slice(0, 2000);
    const xs = rows.map((r) => formatCell(r[xCol]));
    const ys = rows.map((r) => (r[yCol] === null || r[yCol] === undefined ? null : Number(r[yCol])));
    const xNumeric = numeric.includes(xCol) && kind === 'scatter';
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: kind === 'scatter' ? 'item' : 'axis' },
      xAxis: xNumeric ? { type: 'value', name: xCol, scale: true } : { type: 'category', data: xs, name: xCol, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', name: yCol, scale: kind !== 'bar' },
      series: [{ name: yCol, type: kind, data: xNumeric ? rows.map((r, i) => [Number(r[xCol]), ys[i]]) : ys, showSymbol: rows.length < 100, barMaxWidth: 28 }],
    };
  }, [result, xCol, yCol, kind, numeric]);
  return (
    <Panel
      title="Quick chart"
      wide
      testId="sql-chart"
      actions={
        <>
          <label className="field">
            <span>X</span>
            <select name="chart-x" value={xCol} onChange={(e) => setX(e.target.value)}>
              {result.columns.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Y (numeric)</span>
            <select name="chart-y" value={yCol} onChange={(e) => setY(e.target.value)} disabled={!numeric.length}>
              {numeric.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Chart</span>
            <select name="chart-kind" value={kind} onChange={(e) => setKind(e.target.value as 'bar' | 'line' | 'scatter')}>
              <option value="bar">Bar</option>
              <option value="line">Line</option>
              <option value="scatter">Scatter</option>
            </select>
          </label>
        </>
      }
    >
      {option ? <Chart option={option} label={`${yCol} by ${xCol}`} height={300} testId="sql-chart-canvas" /> : <p className="muted">The result has no numeric column to chart.</p>}
    </Panel>
  );
}

export default function SqlPage(): React.JSX.Element {
  const { get, set } = useUrlParams();
  const [sql, setSql] = useState(get('q') ?? EXAMPLE);
  const [limit, setLimit] = useState<(typeof LIMITS)[number]>('1000');
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const [saved, setSaved] = useState<SavedQuery[]>(() => loadSaved());
  const [name, setName] = useState('');
  const controller = useRef<AbortController | null>(null);
  const capabilities = useResource('capabilities', () => getCapabilities());
  const available = capabilities.status !== 'ready' || capabilities.data.has('post', '/api/v1/query');

  const execute = async (): Promise<void> => {
    const text = sql.trim();
    if (!text || !available) return;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    set({ q: text.length <= 4000 ? text : null });
    setRun({ status: 'running' });
    const started = performance.now();
    try {
      const body = await runSql(text, Number(limit), abort.signal);
      if (!abort.signal.aborted) setRun({ status: 'done', result: normaliseResult(body, performance.now() - started) });
    } catch (error) {
      if (!abort.signal.aborted) setRun({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)), ms: performance.now() - started });
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      void execute();
    }
  };

  const download = (result: QueryResult): void => {
    const blob = new Blob([toCsv(result.columns, result.rows)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `strata-query-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const result = run.status === 'done' ? run.result : null;
  const tableColumns = useMemo(
    () => (result ? result.columns.map((c) => ({ key: c, label: c, value: (r: Readonly<Record<string, unknown>>) => r[c], align: (numericColumns(result).includes(c) ? 'right' : 'left') as 'right' | 'left' })) : []),
    [result],
  );

  return (
    <>
      <PageHeader title="SQL console">Read-only SQL over the silver and gold layers. Ctrl+Enter runs the query.</PageHeader>
      {!available ? (
        <div className="state state-error" role="alert" data-testid="sql-unavailable">
          This server has no SQL endpoint (POST /api/v1/query), so queries cannot run here yet. Saved queries still work.
        </div>
      ) : null}
      <div className="sql-layout">
        <div>
          <label className="field" htmlFor="sql-editor">
            <span>Query</span>
          </label>
          <textarea id="sql-editor" className="sql" name="sql" value={sql} onChange={(e) => setSql(e.target.value)} onKeyDown={onKeyDown} spellCheck={false} aria-describedby="sql-help" />
          <p id="sql-help" className="small muted">
            One SELECT (or WITH … SELECT) statement; writes, file access and several statements are refused by the server.
          </p>
          <div className="toolbar">
            <button type="button" className="button primary" onClick={() => void execute()} disabled={run.status === 'running' || !available} data-testid="sql-run">
              {run.status === 'running' ? 'Running…' : 'Run query'}
            </button>
            <label className="field inline">
              <span>Row limit</span>
              <select name="limit" value={limit} onChange={(e) => setLimit(e.target.value as (typeof LIMITS)[number])}>
                {LIMITS.map((l) => (
                  <option key={l}>{l}</option>
                ))}
              </select>
            </label>
            {result ? (
              <>
                <button type="button" className="button" onClick={() => download(result)} data-testid="sql-csv">
                  Download CSV
                </button>
                <span className="small muted" data-testid="sql-stats" role="status">
                  {fmtInt(result.rows.length)} row{result.rows.length === 1 ? '' : 's'}
                  {result.truncated ? ` (first ${fmtInt(result.rows.length)}; raise the limit for more)` : ''} in{' '}
                  <span data-testid="sql-duration">{fmtMs(result.serverMs ?? result.roundTripMs)}</span>
                  {result.serverMs !== null ? ` (${fmtMs(result.roundTripMs)} round trip)` : ''}
                </span>
              </>
            ) : null}
          </div>
        </div>
        <aside className="panel" aria-labelledby="saved-title">
          <h2 id="saved-title">Saved queries</h2>
          <form
            className="toolbar"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim() && sql.trim()) {
                setSaved(saveQuery(name.trim(), sql));
                setName('');
              }
            }}
          >
            <label className="field">
              <span>Name</span>
              <input name="query-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Revenue by country" />
            </label>
            <button type="submit" className="button small" disabled={!name.trim()}>
              Save
            </button>
          </form>
          {saved.length ? (
            <ul className="saved-list" data-testid="saved-queries">
              {saved.map((q) => (
                <li key={q.name}>
                  <button type="button" className="button linklike" title={q.sql} onClick={() => setSql(q.sql)}>
                    {q.name}
                  </button>
                  <button type="button" className="button small ghost" aria-label={`Delete saved query ${q.name}`} onClick={() => setSaved(deleteQuery(q.name))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="small muted">None yet. Saved queries stay in this browser.</p>
          )}
        </aside>
      </div>
      {run.status === 'running' ? <Loading label="Running the query…" /> : null}
      {run.status === 'failed' ? (
        <div className="state state-error sql-error" role="alert" data-testid="sql-error">
          <div>
            <strong>The query failed</strong> after {fmtMs(run.ms)}
            {run.error instanceof ApiError ? <code className="error-code"> {run.error.code}</code> : null}
            <pre className="error-message">{run.error instanceof ApiError && run.error.status === 404 ? 'This server has no SQL endpoint (POST /api/v1/query).' : run.error.message}</pre>
          </div>
        </div>
      ) : null}
      {result ? (
        <div className="grid">
          <Panel title="Result" wide testId="sql-result">
            {result.rows.length ? (
              <DataTable caption="Query result" rows={result.rows} rowKey={(_, i) => String(i)} columns={tableColumns} maxHeight={480} testId="sql-table" />
            ) : (
              <p className="muted" data-testid="state-empty">
                The query returned no rows.
              </p>
            )}
          </Panel>
          {result.rows.length ? <QuickChart result={result} /> : null}
        </div>
      ) : null}
    </>
  );
}
