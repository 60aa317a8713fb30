/**
 * Overview: the headline KPIs with their change against the previous period and a sparkline;
 * clicking a card drills into that measure's trend (this period against the previous one).
 */
import { useCallback, useMemo, useRef } from 'react';
import { getKpis, getTimeseries } from '../api/endpoints';
import { Chart } from '../charts/chart';
import { trendOption } from '../charts/trend-option';
import { FilterBar } from '../components/filter-bar';
import { KpiCard } from '../components/kpi-card';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Loading, Show } from '../components/state-views';
import { daysBetween, previousWindow } from '../dates';
import { fmtDate } from '../format';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { CARD_METRICS, grainForDays, isMetric, METRICS } from '../metrics';
import { hrefOf, useUrlParams } from '../router/hash-route';

/** Performance mark the draw-time budget reads (bench/web-bench.ts, test/web). */
export const OVERVIEW_DRAWN_MARK = 'strata:overview-drawn';

export default function OverviewPage(): React.JSX.Element {
  const state = useFilters();
  const { get, set, params } = useUrlParams();
  const metric = isMetric(get('metric')) ? (get('metric') as keyof typeof METRICS) : 'revenue_gbp';
  const spec = METRICS[metric];
  const filters = state.status === 'ready' ? state.filters : null;
  const key = filters ? filterKey(filters) : null;
  const grain = filters ? grainForDays(daysBetween(filters.from, filters.to) + 1) : 'day';

  const kpis = useResource(key, (signal) => getKpis(filters!, signal));
  const series = useResource(key, (signal) => getTimeseries({ ...filters!, grain }, signal));
  const previous = useResource(key, (signal) => getTimeseries({ ...previousWindow(filters!.from, filters!.to), country: filters!.country, grain }, signal));

  const marked = useRef(false);
  const onDrawn = useCallback(() => {
    if (marked.current) return;
    marked.current = true;
    if (performance.getEntriesByName(OVERVIEW_DRAWN_MARK).length === 0) performance.mark(OVERVIEW_DRAWN_MARK);
  }, []);

  const option = useMemo(
    () =>
      series.status === 'ready'
        ? trendOption({ points: series.data.points, previous: previous.status === 'ready' ? previous.data.points : null, spec, grain })
        : null,
    [series, previous, spec, grain],
  );

  const salesLink = new URLSearchParams(params);
  salesLink.set('metric', metric);

  return (
    <>
      <PageHeader title="Overview">{filters ? `${fmtDate(filters.from)} – ${fmtDate(filters.to)}${filters.country ? ` · ${filters.country}` : ''}` : null}</PageHeader>
      <FilterBar state={state} />
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <Show resource={kpis} height={120}>
        {(report) => (
          <div className="kpis" data-testid="kpi-cards">
            {CARD_METRICS.map((name) => (
              <KpiCard
                key={name}
                spec={METRICS[name]}
                kpi={report.kpis[name]}
                series={series.status === 'ready' ? series.data.points.map((p) => p[name]) : []}
                selected={name === metric}
                onSelect={() => set({ metric: name })}
                comparisonLabel={report.previous_period.coverage === 'none' ? '(no earlier data)' : 'vs previous period'}
              />
            ))}
          </div>
        )}
      </Show>
      <Panel
        title={`${spec.label} trend`}
        wide
        testId="overview-trend"
        actions={
          <a href={hrefOf('/sales', salesLink)} className="small">
            Open in Sales →
          </a>
        }
        note={`${spec.definition}. By ${grain}; dashed line: the previous period of equal length.`}
      >
        {series.status === 'failed' ? (
          <ErrorView error={series.error} onRetry={series.reload} height={320} />
        ) : option ? (
          <Chart option={option} label={`${spec.label} by ${grain}, this period against the previous period`} height={320} onDrawn={onDrawn} testId="trend-chart" />
        ) : (
          <Loading height={320} />
        )}
      </Panel>
    </>
  );
}
