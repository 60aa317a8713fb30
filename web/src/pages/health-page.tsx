/**
 * Health: the platform's health score (overall and per area, each with the formula and inputs it
 * was computed from, so an operator can redo the arithmetic), the alerts pending or firing now,
 * the alert rules, and the alert history. Both come from the API (GET /api/v1/health/score and
 * GET /api/v1/alerts); nothing is computed here.
 */
import { getAlerts, getHealthScore } from '../api/endpoints';
import type { ActiveAlert, AlertEvent, AlertRule, HealthArea, HealthAreaName, HealthScoreReport, HealthStatus } from '../api/types';
import { DataTable } from '../components/data-table';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { Show } from '../components/state-views';
import { fmtDateTime, fmtInt, fmtNum, fmtRatio } from '../format';
import { useResource } from '../hooks/use-resource';

const AREAS: readonly { readonly name: HealthAreaName; readonly label: string; readonly what: string }[] = [
  { name: 'pipeline', label: 'Pipeline', what: 'share of recent runs that succeeded' },
  { name: 'freshness', label: 'Freshness', what: 'age of the stalest asset against its limit' },
  { name: 'quality', label: 'Quality', what: 'rows accepted in recent batches' },
  { name: 'api', label: 'API errors', what: 'server errors in the last minutes of traffic' },
];

const STATUS_TEXT: Readonly<Record<HealthStatus, string>> = { ok: 'ok', degraded: 'degraded', critical: 'critical', unknown: 'no data yet' };

const fmtScore = (score: number | null): string => (score === null ? '–' : fmtNum(score));

function StatusBadge({ status }: { readonly status: HealthStatus | string }): React.JSX.Element {
  return <span className={`status health-${status}`}>{STATUS_TEXT[status as HealthStatus] ?? status}</span>;
}

/** The inputs that explain an area's score, as short "name: value" facts. */
function inputFacts(name: HealthAreaName, area: HealthArea): readonly [string, string][] {
  const i = area.inputs;
  const n = (key: string): string => fmtInt(typeof i[key] === 'number' ? (i[key] as number) : null);
  switch (name) {
    case 'pipeline':
      return [['finished', n('finished')], ['succeeded', n('succeeded')], ['partial', n('partial')], ['failed', n('failed')]];
    case 'freshness': {
      const assets = Array.isArray(i['assets']) ? (i['assets'] as { asset: string; age_seconds: number }[]) : [];
      const stalest = [...assets].sort((a, b) => b.age_seconds - a.age_seconds)[0];
      return [['max age', `${n('max_age_seconds')} s`], ['assets', fmtInt(assets.length)], ['stalest', stalest ? `${stalest.asset} (${fmtInt(stalest.age_seconds)} s)` : '–']];
    }
    case 'quality':
      return [['batches', n('count')], ['rows', n('rows')], ['quarantined', n('quarantined')], ['warned', n('warned')]];
    case 'api':
      return [['requests', n('requests')], ['5xx', n('server_errors')], ['5xx share', fmtRatio(typeof i['server_error_share'] === 'number' ? (i['server_error_share'] as number) : null, 2)]];
  }
}

function AreaCard({ name, label, what, area }: { readonly name: HealthAreaName; readonly label: string; readonly what: string; readonly area: HealthArea }): React.JSX.Element {
  return (
    <section className="kpi-card health-card" data-testid={`health-${name}`} data-score={area.score ?? ''} data-status={area.status} aria-label={`${label}: ${fmtScore(area.score)}, ${STATUS_TEXT[area.status]}`}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">
        {fmtScore(area.score)} <StatusBadge status={area.status} />
      </span>
      <span className="small muted">{what}</span>
      <dl className="facts small">
        {inputFacts(name, area).map(([k, v]) => (
          <div key={k}>
            <dt className="muted">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <code className="small formula">{area.formula}</code>
    </section>
  );
}

function FreshnessTable({ report }: { readonly report: HealthScoreReport }): React.JSX.Element {
  const assets = Array.isArray(report.areas.freshness.inputs['assets']) ? (report.areas.freshness.inputs['assets'] as { asset: string; age_seconds: number; score: number }[]) : [];
  return (
    <DataTable
      caption="Freshness by asset"
      rows={assets}
      rowKey={(a) => a.asset}
      maxHeight={320}
      testId="freshness-table"
      initialSort={{ key: 'score', direction: 'ascending' }}
      columns={[
        { key: 'asset', label: 'Asset', value: (a) => a.asset },
        { key: 'age', label: 'Age (s)', value: (a) => a.age_seconds, render: (a) => fmtInt(a.age_seconds), align: 'right' },
        { key: 'score', label: 'Score', value: (a) => a.score, render: (a) => fmtNum(a.score), align: 'right' },
      ]}
    />
  );
}

const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export default function HealthPage(): React.JSX.Element {
  const score = useResource('health-score', (signal) => getHealthScore(signal));
  const alerts = useResource('alerts', (signal) => getAlerts(100, signal));
  return (
    <>
      <PageHeader title="Health">The platform's health score per area and overall, and its alerts. Every score shows the formula and the inputs it came from.</PageHeader>
      <Show resource={score} height={160}>
        {(report) => (
          <>
            <div className="toolbar health-overall" data-testid="health-overall" data-score={report.score ?? ''} data-status={report.status}>
              <span className="kpi-value">Overall {fmtScore(report.score)}</span> <StatusBadge status={report.status} />
              <span className="small muted">
                as of {fmtDateTime(report.as_of)}; {report.formula}
              </span>
            </div>
            <div className="kpis">
              {AREAS.map((a) => (
                <AreaCard key={a.name} {...a} area={report.areas[a.name]} />
              ))}
            </div>
          </>
        )}
      </Show>
      <div className="grid">
        <Panel title="Alerts now" wide testId="alerts-active">
          <Show resource={alerts} height={120} isEmpty={(r) => r.active.length === 0} empty="No alert is pending or firing.">
            {(r) => (
              <DataTable<ActiveAlert>
                caption="Alerts pending or firing"
                rows={r.active}
                rowKey={(a) => a.fingerprint}
                maxHeight={320}
                testId="alerts-active-table"
                columns={[
                  { key: 'rule', label: 'Rule', value: (a) => a.rule },
                  { key: 'severity', label: 'Severity', value: (a) => a.severity },
                  { key: 'status', label: 'Status', value: (a) => a.status, render: (a) => <span className={`status health-${a.status === 'firing' ? 'critical' : 'degraded'}`}>{a.status}</span> },
                  { key: 'labels', label: 'Labels', value: (a) => labelsText(a.labels) },
                  { key: 'value', label: 'Value', value: (a) => a.value, render: (a) => fmtNum(a.value), align: 'right' },
                  { key: 'since', label: 'Since', value: (a) => a.since, render: (a) => fmtDateTime(a.since) },
                  { key: 'summary', label: 'Summary', value: (a) => a.summary },
                ]}
              />
            )}
          </Show>
        </Panel>
        <Panel title="Freshness by asset" testId="health-freshness">
          <Show resource={score} height={320} isEmpty={(r) => !Array.isArray(r.areas.freshness.inputs['assets']) || (r.areas.freshness.inputs['assets'] as unknown[]).length === 0}>
            {(report) => <FreshnessTable report={report} />}
          </Show>
        </Panel>
        <Panel title="Alert rules" testId="alert-rules">
          <Show resource={alerts} height={320} isEmpty={(r) => r.rules.length === 0} empty="No alert rules are configured (STRATA_ALERTS_FILE).">
            {(r) => (
              <DataTable<AlertRule>
                caption="Alert rules"
                rows={r.rules}
                rowKey={(a) => a.name}
                maxHeight={320}
                testId="alert-rules-table"
                columns={[
                  { key: 'name', label: 'Rule', value: (a) => a.name },
                  { key: 'severity', label: 'Severity', value: (a) => a.severity },
                  { key: 'source', label: 'Source', value: (a) => a.source },
                  { key: 'condition', label: 'Condition', value: (a) => a.condition },
                  { key: 'for', label: 'For (s)', value: (a) => a.for_seconds, render: (a) => fmtInt(a.for_seconds), align: 'right' },
                ]}
              />
            )}
          </Show>
        </Panel>
        <Panel title="Alert history" wide testId="alert-history">
          <Show resource={alerts} height={200} isEmpty={(r) => r.history.length === 0} empty="No alert has fired yet.">
            {(r) => (
              <DataTable<AlertEvent>
                caption="Alert history, newest first"
                rows={r.history}
                rowKey={(e) => String(e.event_id)}
                maxHeight={420}
                testId="alert-history-table"
                initialSort={{ key: 'at', direction: 'descending' }}
                columns={[
                  { key: 'at', label: 'At', value: (e) => e.occurred_at, render: (e) => fmtDateTime(e.occurred_at) },
                  { key: 'rule', label: 'Rule', value: (e) => e.rule },
                  { key: 'kind', label: 'Event', value: (e) => e.kind },
                  { key: 'severity', label: 'Severity', value: (e) => e.severity },
                  { key: 'value', label: 'Value', value: (e) => e.value, render: (e) => fmtNum(e.value), align: 'right' },
                  { key: 'summary', label: 'Summary', value: (e) => e.summary },
                ]}
              />
            )}
          </Show>
        </Panel>
      </div>
    </>
  );
}
