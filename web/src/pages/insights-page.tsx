/**
 * Anomalies and forecast: daily revenue with the days that broke from the weekly pattern marked,
 * and the revenue forecast with its 80% and 95% intervals and its backtest error.
 */
import { useMemo } from 'react';
import { getAnomalies, getForecast, getTimeseries } from '../api/endpoints';
import type { AnomalyReport, ForecastReport, Timeseries } from '../api/types';
import { Chart, type ChartOption } from '../charts/chart';
import { DataTable } from '../components/data-table';
import { FilterBar, ParamSelect } from '../components/filter-bar';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Show } from '../components/state-views';
import { fmtDate, fmtGbp, fmtGbpCompact, fmtInt, fmtNum, fmtRatio } from '../format';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { useUrlParams } from '../router/hash-route';

const THRESHOLDS = ['2.5', '3', '3.5', '4', '5'] as const;
const HORIZONS = ['14', '28', '56', '90'] as const;

function anomalyOption(series: Timeseries, report: AnomalyReport): ChartOption {
  const revenue = report.anomalies.filter((a) => a.metric === 'revenue_gbp');
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 48, containLabel: true },
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtGbp(v) },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }],
    xAxis: { type: 'time' },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtGbpCompact(v) } },
    series: [
      { name: 'Revenue', type: 'line', data: series.points.map((p) => [p.period_start, p.revenue_gbp]), showSymbol: false, lineStyle: { width: 1.2 } },
      {
        name: 'Spike',
        type: 'scatter',
        symbolSize: 11,
        itemStyle: { color: '#059669' },
        data: revenue.filter((a) => a.direction === 'spike').map((a) => ({ value: [a.date, a.value], expected: a.expected, score: a.score })),
      },
      {
        name: 'Drop',
        type: 'scatter',
        symbolSize: 11,
        itemStyle: { color: '#dc2626' },
        data: revenue.filter((a) => a.direction === 'drop').map((a) => ({ value: [a.date, a.value], expected: a.expected, score: a.score })),
      },
    ],
  };
}

function forecastOption(series: Timeseries, report: ForecastReport): ChartOption {
  const history = series.points.slice(-70).map((p) => [p.period_start, p.revenue_gbp]);
  const pts = report.points;
  const band = (lower: (p: (typeof pts)[number]) => number, upper: (p: (typeof pts)[number]) => number, name: string, opacity: number): Record<string, unknown>[] => [
    { name: `${name} low`, type: 'line', data: pts.map((p) => [p.date, lower(p)]), stack: name, lineStyle: { opacity: 0 }, showSymbol: false, tooltip: { show: false }, silent: true },
    { name, type: 'line', data: pts.map((p) => [p.date, upper(p) - lower(p)]), stack: name, lineStyle: { opacity: 0 }, showSymbol: false, areaStyle: { opacity, color: '#2563eb' }, itemStyle: { color: '#2563eb', opacity: opacity * 3 }, tooltip: { show: false }, silent: true },
  ];
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, data: ['Actual', 'Forecast', '95% interval', '80% interval'] },
    tooltip: {
      trigger: 'axis',
      formatter: (items: readonly { axisValue: string | number; seriesName: string; value: [string, number]; marker: string }[]) => {
        const first = items[0];
        if (!first) return '';
        const date = new Date(first.axisValue).toISOString().slice(0, 10);
        const p = pts.find((x) => x.date === date);
        const actual = items.find((i) => i.seriesName === 'Actual');
        const lines = [`<b>${fmtDate(date)}</b>`];
        if (actual) lines.push(`${actual.marker}Actual: <b>${fmtGbp(actual.value[1])}</b>`);
        if (p) lines.push(`Forecast: <b>${fmtGbp(p.revenue_gbp)}</b>`, `80%: ${fmtGbp(p.lower_80)} – ${fmtGbp(p.upper_80)}`, `95%: ${fmtGbp(p.lower_95)} – ${fmtGbp(p.upper_95)}`);
        return lines.join('<br/>');
      },
    },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtGbpCompact(v) } },
    series: [
      { name: 'Actual', type: 'line', data: history, showSymbol: false, lineStyle: { width: 1.2 } },
      ...band((p) => p.lower_95, (p) => p.upper_95, '95% interval', 0.12),
      ...band((p) => p.lower_80, (p) => p.upper_80, '80% interval', 0.22),
      { name: 'Forecast', type: 'line', data: pts.map((p) => [p.date, p.revenue_gbp]), showSymbol: false, lineStyle: { type: 'dashed', width: 2 } },
    ],
  };
}

export default function InsightsPage(): React.JSX.Element {
  const state = useFilters('365d');
  const { get } = useUrlParams();
  const threshold = (THRESHOLDS as readonly string[]).includes(get('threshold') ?? '') ? (get('threshold') as string) : '3.5';
  const horizon = (HORIZONS as readonly string[]).includes(get('horizon') ?? '') ? (get('horizon') as string) : '28';
  const filters = state.status === 'ready' ? state.filters : null;
  const key = filters ? filterKey(filters) : null;
  const daily = useResource(key, (signal) => getTimeseries({ ...filters!, grain: 'day' }, signal));
  const anomalies = useResource(filters ? filterKey(filters, threshold) : null, (signal) => getAnomalies({ ...filters!, threshold: Number(threshold) }, signal));
  const forecast = useResource(filters ? filterKey(filters, horizon) : null, (signal) => getForecast({ ...filters!, horizon: Number(horizon) }, signal));

  const anomalyChart = useMemo(() => (daily.status === 'ready' && anomalies.status === 'ready' ? anomalyOption(daily.data, anomalies.data) : null), [daily, anomalies]);
  const forecastChart = useMemo(() => (daily.status === 'ready' && forecast.status === 'ready' ? forecastOption(daily.data, forecast.data) : null), [daily, forecast]);

  return (
    <>
      <PageHeader title="Anomalies and forecast" />
      <FilterBar state={state}>
        <ParamSelect name="threshold" label="Anomaly threshold (robust z)" value={threshold} options={THRESHOLDS.map((t) => [t, t] as const)} />
        <ParamSelect name="horizon" label="Forecast horizon" value={horizon} options={HORIZONS.map((h) => [h, `${h} days`] as const)} />
      </FilterBar>
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <div className="grid">
        <Panel title="Daily revenue with anomalies" wide testId="anomaly-panel" note={anomalies.status === 'ready' ? `${anomalies.data.method}; ${fmtInt(anomalies.data.days_examined)} days examined.` : undefined}>
          {daily.status === 'failed' ? <ErrorView error={daily.error} onRetry={daily.reload} height={340} /> : (
            <Show resource={anomalies} height={340}>
              {() => (anomalyChart ? <Chart option={anomalyChart} label="Daily revenue, with anomalous days marked as spikes or drops" height={340} testId="anomaly-chart" /> : null)}
            </Show>
          )}
        </Panel>
        <Panel title="Anomalous days" testId="anomaly-table">
          <Show resource={anomalies} height={200} isEmpty={(d) => d.anomalies.length === 0} empty="No day breaks from the pattern at this threshold.">
            {(report) => (
              <DataTable
                caption="Anomalous days"
                rows={report.anomalies}
                rowKey={(a) => `${a.date}-${a.metric}`}
                maxHeight={360}
                testId="anomalies-table"
                columns={[
                  { key: 'date', label: 'Date', value: (a) => a.date },
                  { key: 'metric', label: 'Measure', value: (a) => (a.metric === 'orders' ? 'Orders' : 'Revenue') },
                  { key: 'direction', label: 'Kind', value: (a) => a.direction },
                  { key: 'value', label: 'Value', value: (a) => a.value, render: (a) => (a.metric === 'orders' ? fmtInt(a.value) : fmtGbp(a.value)), align: 'right' },
                  { key: 'expected', label: 'Expected', value: (a) => a.expected, render: (a) => (a.metric === 'orders' ? fmtNum(a.expected) : fmtGbp(a.expected)), align: 'right' },
                  { key: 'score', label: 'Score', value: (a) => a.score, render: (a) => fmtNum(a.score), align: 'right' },
                ]}
              />
            )}
          </Show>
        </Panel>
        <Panel title="Revenue forecast" testId="forecast-panel" note={forecast.status === 'ready' ? forecast.data.method : undefined}>
          {daily.status === 'failed' ? <ErrorView error={daily.error} onRetry={daily.reload} height={300} /> : (
            <Show resource={forecast} height={300}>
              {(report) => (
                <>
                  {forecastChart ? <Chart option={forecastChart} label={`Daily revenue forecast for ${report.horizon} days with 80% and 95% intervals`} height={300} testId="forecast-chart" /> : null}
                  <dl className="facts" data-testid="backtest">
                    <div>
                      <dt>Backtest days</dt>
                      <dd>{fmtInt(report.backtest.days)}</dd>
                    </div>
                    <div>
                      <dt>MAE</dt>
                      <dd>{fmtGbp(report.backtest.mae)}</dd>
                    </div>
                    <div>
                      <dt>WAPE</dt>
                      <dd>{fmtRatio(report.backtest.wape)}</dd>
                    </div>
                    <div>
                      <dt>Seasonal-naive WAPE</dt>
                      <dd>{fmtRatio(report.backtest.baseline_seasonal_naive.wape)}</dd>
                    </div>
                    <div>
                      <dt>80% / 95% coverage</dt>
                      <dd>
                        {fmtRatio(report.backtest.coverage_80, 0)} / {fmtRatio(report.backtest.coverage_95, 0)}
                      </dd>
                    </div>
                  </dl>
                </>
              )}
            </Show>
          )}
        </Panel>
      </div>
    </>
  );
}
