/**
 * Sales: a measure over time at a chosen grain, against the previous period, beside sales by
 * country and the top products. Clicking a period bar narrows the other charts to that period;
 * clicking a country filters the time series and products (cross-filter). All state is in the URL.
 */
import { useMemo } from 'react';
import { getCountries, getKpis, getTimeseries, getTopProducts } from '../api/endpoints';
import { GRAINS, type Grain, type KpiName } from '../api/types';
import { rankedBarOption } from '../charts/bar-option';
import { Chart, type CategoryClick } from '../charts/chart';
import { bucketLabel, trendOption } from '../charts/trend-option';
import { Chips, type ChipSpec } from '../components/chips';
import { FilterBar, ParamSelect } from '../components/filter-bar';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Show } from '../components/state-views';
import { isIsoDate, previousWindow } from '../dates';
import { fmtChange, fmtDate, fmtGbp, fmtGbpCompact } from '../format';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { isMetric, METRICS } from '../metrics';
import { useUrlParams } from '../router/hash-route';

const isGrain = (v: string | null): v is Grain => v !== null && (GRAINS as readonly string[]).includes(v);
const TREND_METRICS: readonly KpiName[] = ['revenue_gbp', 'orders', 'customers', 'avg_order_value_gbp', 'units', 'return_rate'];

export default function SalesPage(): React.JSX.Element {
  const state = useFilters();
  const { get, set } = useUrlParams();
  const grain: Grain = isGrain(get('grain')) ? (get('grain') as Grain) : 'week';
  const metric: KpiName = isMetric(get('metric')) ? (get('metric') as KpiName) : 'revenue_gbp';
  const compare = get('cmp') !== '0';
  const selFrom = get('sel_from');
  const selTo = get('sel_to');
  const spec = METRICS[metric];
  const filters = state.status === 'ready' ? state.filters : null;
  // The selected period (cross-filter) narrows the breakdowns, never the time series itself.
  const selection = filters && isIsoDate(selFrom) && isIsoDate(selTo) && selFrom <= selTo ? { from: selFrom, to: selTo } : null;
  const breakdown = filters ? { ...filters, ...(selection ?? {}) } : null;
  const key = filters ? filterKey(filters, grain) : null;
  const breakdownKey = breakdown ? filterKey(breakdown) : null;

  const series = useResource(key, (signal) => getTimeseries({ ...filters!, grain }, signal));
  const previous = useResource(compare ? key : null, (signal) => getTimeseries({ ...previousWindow(filters!.from, filters!.to), country: filters!.country, grain }, signal));
  const countries = useResource(breakdown ? filterKey({ ...breakdown, country: null }) : null, (signal) => getCountries(breakdown!, signal));
  const products = useResource(breakdownKey, (signal) => getTopProducts({ ...breakdown!, metric: 'revenue', limit: 10 }, signal));
  const summary = useResource(breakdownKey, (signal) => getKpis(breakdown!, signal));

  const selectedIndex = selection && series.status === 'ready' ? series.data.points.findIndex((p) => p.first_day === selection.from) : -1;
  const trend = useMemo(
    () =>
      series.status === 'ready'
        ? trendOption({ points: series.data.points, previous: compare && previous.status === 'ready' ? previous.data.points : null, spec, grain, kind: 'bar', highlight: selectedIndex >= 0 ? selectedIndex : null })
        : null,
    [series, previous, compare, spec, grain, selectedIndex],
  );

  const onPeriodClick = (event: CategoryClick): void => {
    if (series.status !== 'ready') return;
    const p = series.data.points[event.index];
    if (!p) return;
    if (selection?.from === p.first_day) set({ sel_from: null, sel_to: null });
    else set({ sel_from: p.first_day, sel_to: p.last_day });
  };

  const onCountryClick = (event: CategoryClick): void => {
    if (!event.name) return;
    set({ country: filters?.country === event.name ? null : event.name });
  };

  const chips: ChipSpec[] = [];
  if (selection) chips.push({ label: `Period: ${fmtDate(selection.from)} – ${fmtDate(selection.to)}`, onRemove: () => set({ sel_from: null, sel_to: null }) });
  if (filters?.country) chips.push({ label: `Country: ${filters.country}`, onRemove: () => set({ country: null }) });

  return (
    <>
      <PageHeader title="Sales">{filters ? `${fmtDate(filters.from)} – ${fmtDate(filters.to)}` : null}</PageHeader>
      <FilterBar state={state}>
        <ParamSelect name="grain" label="Grain" value={grain} options={GRAINS.map((g) => [g, g[0]!.toUpperCase() + g.slice(1)] as const)} clears={['sel_from', 'sel_to']} />
        <ParamSelect name="metric" label="Measure" value={metric} options={TREND_METRICS.map((m) => [m, METRICS[m].label] as const)} />
        <label className="field inline">
          <input type="checkbox" name="compare" checked={compare} onChange={(e) => set({ cmp: e.target.checked ? null : '0' })} />
          <span>Compare with previous period</span>
        </label>
      </FilterBar>
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <Chips chips={chips} />
      <div className="grid">
        <Panel title={selection ? 'Summary of the selected period' : 'Summary'} wide testId="sales-summary">
          <Show resource={summary} height={56}>
            {(report) => (
              <dl className="facts">
                {TREND_METRICS.map((m) => (
                  <div key={m} data-testid={`summary-${m}`} data-value={report.kpis[m].value ?? ''}>
                    <dt>{METRICS[m].label}</dt>
                    <dd>
                      {METRICS[m].format(report.kpis[m].value)} <span className="muted small">{fmtChange(report.kpis[m].change_vs_previous_pct)}</span>
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </Show>
        </Panel>
        <Panel
          title={`${spec.label} by ${grain}`}
          wide
          testId="sales-trend"
          note="Click a bar (or pick a period) to narrow the summary, country and product charts to it."
          actions={
            series.status === 'ready' ? (
              <label className="field">
                <span>Narrow to period</span>
                <select
                  name="period"
                  value={selection?.from ?? ''}
                  onChange={(e) => {
                    const p = series.data.points.find((x) => x.first_day === e.target.value);
                    set({ sel_from: p?.first_day ?? null, sel_to: p?.last_day ?? null });
                  }}
                >
                  <option value="">Whole window</option>
                  {series.data.points.map((p) => (
                    <option key={p.first_day} value={p.first_day}>
                      {bucketLabel(p, grain)}
                    </option>
                  ))}
                </select>
              </label>
            ) : null
          }
        >
          <Show resource={series} height={320} isEmpty={(d) => d.points.length === 0}>
            {() => (trend ? <Chart option={trend} label={`${spec.label} by ${grain}${compare ? ' against the previous period' : ''}`} height={320} onCategoryClick={onPeriodClick} testId="sales-trend-chart" /> : null)}
          </Show>
        </Panel>
        <Panel title="Revenue by country" testId="sales-countries" note="Click a country to filter the other charts by it; click it again to clear.">
          <Show resource={countries} height={360} isEmpty={(d) => d.countries.length === 0}>
            {(report) => {
              const top = report.countries.slice(0, 15);
              return (
                <Chart
                  option={rankedBarOption({ names: top.map((c) => c.country), values: top.map((c) => c.revenue_gbp), format: fmtGbpCompact, selected: filters?.country ?? null, seriesName: 'Revenue' })}
                  label="Revenue by country, top 15"
                  height={360}
                  onCategoryClick={onCountryClick}
                  testId="sales-countries-chart"
                />
              );
            }}
          </Show>
        </Panel>
        <Panel title="Top products by revenue" testId="sales-products">
          <Show resource={products} height={360} isEmpty={(d) => d.products.length === 0}>
            {(report) => (
              <Chart
                option={rankedBarOption({
                  names: report.products.map((p) => p.description ?? p.stock_code),
                  values: report.products.map((p) => p.revenue_gbp),
                  format: fmtGbp,
                  seriesName: 'Revenue',
                  labelWidth: 180,
                })}
                label={`Top 10 products by revenue${filters?.country ? ` in ${filters.country}` : ''}`}
                height={360}
                testId="sales-products-chart"
              />
            )}
          </Show>
        </Panel>
      </div>
    </>
  );
}
