/**
 * Pipeline: every run with its status, duration and row counts (and its steps), the asset lineage
 * graph, and for engineers a button that starts a run on the server.
 */
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { getCapabilities } from '../api/capabilities';
import { getLineage, getRuns, startRun, type RunWithSteps } from '../api/endpoints';
import type { Lineage } from '../api/types';
import { Chart, type ChartOption } from '../charts/chart';
import { layeredPositions, lineageOption } from '../charts/lineage-option';
import { DataTable } from '../components/data-table';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { Empty, ErrorView, Loading, Show } from '../components/state-views';
import { fmtDateTime, fmtInt, fmtMs } from '../format';
import { useResource } from '../hooks/use-resource';

interface RunTotals {
  readonly rows_in?: number;
  readonly rows_to_silver?: number;
  readonly rows_quarantined?: number;
  readonly duplicates_removed?: number;
}

interface RunFiles {
  readonly loaded?: number;
  readonly skipped?: number;
  readonly failed?: number;
}

/** The run summary is free-form JSON (an object, or its text); read what is there. */
function summaryOf(run: RunWithSteps): { totals: RunTotals; files: RunFiles | null } {
  let value: unknown = run.summary;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      value = null;
    }
  }
  const summary = value && typeof value === 'object' ? (value as { totals?: unknown; files?: unknown }) : null;
  return {
    totals: summary?.totals && typeof summary.totals === 'object' ? (summary.totals as RunTotals) : {},
    files: summary?.files && typeof summary.files === 'object' ? (summary.files as RunFiles) : null,
  };
}

const totalsOf = (run: RunWithSteps): RunTotals => summaryOf(run).totals;

function filesText(run: RunWithSteps): string {
  const files = summaryOf(run).files;
  if (!files) return '–';
  return `${fmtInt(files.loaded ?? 0)} loaded${files.skipped ? `, ${fmtInt(files.skipped)} skipped` : ''}${files.failed ? `, ${fmtInt(files.failed)} failed` : ''}`;
}

/** Without a lineage endpoint, the steps of the latest run are the graph (a chain). */
function lineageFromSteps(run: RunWithSteps | undefined): Lineage | null {
  const steps = run?.steps ?? [];
  if (!steps.length) return null;
  const nodes = [{ id: 'sources', layer: 'source' }, ...steps.map((s) => ({ id: s.step, layer: 'step', description: `${s.status}, ${fmtMs(s.duration_ms)}` }))];
  return { nodes, edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })) };
}

/** Tall enough for the busiest column of the layered graph, no taller. */
function lineageHeight(lineage: Lineage): number {
  const perColumn = new Map<number, number>();
  const positions = layeredPositions(lineage);
  for (const p of positions.values()) perColumn.set(p.x, (perColumn.get(p.x) ?? 0) + 1);
  return Math.min(640, Math.max(220, 90 + Math.max(1, ...perColumn.values()) * 34));
}

function durationsOption(runs: readonly RunWithSteps[]): ChartOption {
  const ordered = [...runs].reverse();
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtMs(v) },
    xAxis: { type: 'category', data: ordered.map((r) => fmtDateTime(r.started_at).slice(5, 16)), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtMs(v) } },
    series: [
      {
        name: 'Duration',
        type: 'bar',
        barMaxWidth: 24,
        data: ordered.map((r) => ({ value: r.duration_ms, itemStyle: { color: r.status === 'succeeded' ? '#059669' : r.status === 'running' ? '#f59e0b' : '#dc2626' } })),
      },
    ],
  };
}

function RunButton({ busy, available, onStarted }: { readonly busy: boolean; readonly available: boolean; readonly onStarted: () => void }): React.JSX.Element {
  const [state, setState] = useState<{ status: 'idle' } | { status: 'starting' } | { status: 'started'; message: string } | { status: 'failed'; error: Error }>({ status: 'idle' });
  const start = async (): Promise<void> => {
    setState({ status: 'starting' });
    try {
      const result = await startRun();
      const id = result && typeof result === 'object' && 'run_id' in result ? String((result as { run_id: unknown }).run_id) : null;
      setState({ status: 'started', message: id ? `Run ${id} started.` : 'Run started.' });
      onStarted();
    } catch (error) {
      setState({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
    }
  };
  if (!available) {
    return (
      <div className="toolbar">
        <button type="button" className="button primary" disabled data-testid="run-button" aria-describedby="run-unavailable">
          Run the pipeline now
        </button>
        <span id="run-unavailable" className="small muted">
          This server cannot start runs over HTTP (no POST /api/v1/runs).
        </span>
      </div>
    );
  }
  return (
    <div className="toolbar">
      <button type="button" className="button primary" onClick={() => void start()} disabled={busy || state.status === 'starting'} data-testid="run-button">
        {busy ? 'A run is in progress…' : state.status === 'starting' ? 'Starting…' : 'Run the pipeline now'}
      </button>
      <span role="status" className="small muted">
        {state.status === 'started' ? state.message : null}
      </span>
      {state.status === 'failed' ? (
        <span className="small down" role="alert" data-testid="run-error">
          {state.error instanceof ApiError && state.error.status === 404 ? 'This server cannot start runs over HTTP (no POST /api/v1/runs).' : state.error.message}
        </span>
      ) : null}
    </div>
  );
}

function Runs(): React.JSX.Element {
  const [selected, setSelected] = useState<string | null>(null);
  const runs = useResource('runs', (signal) => getRuns(50, signal));
  const capabilities = useResource('capabilities', () => getCapabilities());
  const canLineage = capabilities.status === 'ready' ? capabilities.data.has('get', '/api/v1/lineage') : null;
  const canRun = capabilities.status === 'ready' && capabilities.data.has('post', '/api/v1/runs');
  const lineage = useResource(canLineage ? 'lineage' : null, (signal) => getLineage(signal));
  const busy = runs.status === 'ready' && (runs.data.busy === true || runs.data.runs.some((r) => r.status === 'running'));
  const { reload } = runs;
  // While a run is in progress, poll for its outcome.
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [busy, reload]);

  const graph = useMemo((): { lineage: Lineage; fromSteps: boolean } | null => {
    if (canLineage && lineage.status === 'ready') return { lineage: lineage.data, fromSteps: false };
    if ((canLineage === false || lineage.status === 'failed') && runs.status === 'ready') {
      const fallback = lineageFromSteps(runs.data.runs.find((r) => r.steps?.length));
      return fallback ? { lineage: fallback, fromSteps: true } : null;
    }
    return null;
  }, [canLineage, lineage, runs]);

  const chosen = runs.status === 'ready' ? (runs.data.runs.find((r) => r.run_id === selected) ?? runs.data.runs[0]) : undefined;

  return (
    <div className="grid">
      <Panel title="Runs" wide testId="runs" actions={<RunButton busy={busy} available={canRun} onStarted={reload} />}>
        <Show resource={runs} height={200} isEmpty={(d) => d.runs.length === 0} empty="No runs yet.">
          {(data) => (
            <DataTable
              caption="Pipeline runs, newest first"
              rows={data.runs}
              rowKey={(r) => r.run_id}
              maxHeight={420}
              testId="runs-table"
              columns={[
                { key: 'started', label: 'Started', value: (r) => r.started_at, render: (r) => fmtDateTime(r.started_at) },
                { key: 'command', label: 'Command', value: (r) => r.command },
                { key: 'status', label: 'Status', value: (r) => r.status, render: (r) => <span className={`status status-${r.status}`}>{r.status}</span> },
                { key: 'duration', label: 'Duration', value: (r) => r.duration_ms, render: (r) => fmtMs(r.duration_ms), align: 'right' },
                { key: 'files', label: 'Files', value: (r) => summaryOf(r).files?.loaded ?? null, render: (r) => filesText(r) },
                { key: 'rows_in', label: 'Rows in', value: (r) => totalsOf(r).rows_in, render: (r) => fmtInt(totalsOf(r).rows_in), align: 'right' },
                { key: 'silver', label: 'To silver', value: (r) => totalsOf(r).rows_to_silver, render: (r) => fmtInt(totalsOf(r).rows_to_silver), align: 'right' },
                { key: 'quarantined', label: 'Quarantined', value: (r) => totalsOf(r).rows_quarantined, render: (r) => fmtInt(totalsOf(r).rows_quarantined), align: 'right' },
                { key: 'error', label: 'Error', value: (r) => r.error },
                {
                  key: 'steps',
                  label: 'Steps',
                  sortable: false,
                  value: (r) => r.run_id,
                  render: (r) => (
                    <button type="button" className="button small" aria-pressed={chosen?.run_id === r.run_id} onClick={() => setSelected(r.run_id)}>
                      {r.steps?.length ?? 0} steps
                    </button>
                  ),
                },
              ]}
            />
          )}
        </Show>
      </Panel>
      <Panel title={chosen ? `Steps of ${chosen.run_id}` : 'Steps'} testId="run-steps">
        {chosen?.steps?.length ? (
          <DataTable
            caption="Steps of the selected run"
            rows={chosen.steps}
            rowKey={(s) => s.step}
            columns={[
              { key: 'step', label: 'Step', value: (s) => s.step },
              { key: 'status', label: 'Status', value: (s) => s.status, render: (s) => <span className={`status status-${s.status}`}>{s.status}</span> },
              { key: 'duration', label: 'Duration', value: (s) => s.duration_ms, render: (s) => fmtMs(s.duration_ms), align: 'right' },
              { key: 'in', label: 'Rows in', value: (s) => s.rows_in, render: (s) => fmtInt(s.rows_in), align: 'right' },
              { key: 'out', label: 'Rows out', value: (s) => s.rows_out, render: (s) => fmtInt(s.rows_out), align: 'right' },
              { key: 'error', label: 'Error', value: (s) => s.error },
            ]}
          />
        ) : (
          <p className="muted">Pick a run to see its steps.</p>
        )}
      </Panel>
      <Panel title="Run durations" testId="run-durations">
        <Show resource={runs} height={240} isEmpty={(d) => d.runs.length === 0}>
          {(data) => <Chart option={durationsOption(data.runs)} label="Duration of each run" height={240} testId="run-durations-chart" />}
        </Show>
      </Panel>
      <Panel
        title="Lineage"
        wide
        testId="lineage"
        note={graph?.fromSteps ? 'This server has no lineage endpoint; showing the steps of the latest run instead.' : 'Drag to pan, scroll to zoom; hover a node to highlight what it reads and feeds.'}
      >
        {graph ? (
          <Chart option={lineageOption(graph.lineage)} label="Asset lineage graph" height={lineageHeight(graph.lineage)} testId="lineage-chart" />
        ) : runs.status === 'failed' ? (
          <ErrorView error={runs.error} onRetry={runs.reload} height={200} />
        ) : lineage.status === 'failed' ? (
          <ErrorView error={lineage.error} onRetry={lineage.reload} height={200} />
        ) : runs.status === 'ready' && canLineage === false ? (
          <Empty height={200}>No run has recorded its steps yet.</Empty>
        ) : (
          <Loading height={200} />
        )}
      </Panel>
    </div>
  );
}

/** Engineers only (the registry says so): the API serves runs to engineers and above. */
export default function PipelinePage(): React.JSX.Element {
  return (
    <>
      <PageHeader title="Pipeline">Runs, their steps and the asset lineage.</PageHeader>
      <Runs />
    </>
  );
}
