/** Geography: revenue and orders by country, a region treemap and the full country table. */
import { useMemo } from 'react';
import { getCountries } from '../api/endpoints';
import type { CountryRow } from '../api/types';
import { Chart, type CategoryClick, type ChartClick, type ChartOption } from '../charts/chart';
import { DataTable } from '../components/data-table';
import { FilterBar, ParamSelect } from '../components/filter-bar';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Show } from '../components/state-views';
import { fmtGbp, fmtGbpCents, fmtGbpCompact, fmtInt, fmtRatio } from '../format';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { navigate, useUrlParams } from '../router/hash-route';

function countriesOption(rows: readonly CountryRow[]): ChartOption {
  const top = rows.slice(0, 20);
  return {
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: top.map((c) => c.country), axisLabel: { rotate: 40, interval: 0, fontSize: 10 } },
    yAxis: [
      { type: 'value', name: 'Revenue', axisLabel: { formatter: (v: number) => fmtGbpCompact(v) } },
      { type: 'value', name: 'Orders', splitLine: { show: false } },
    ],
    series: [
      { name: 'Revenue', type: 'bar', data: top.map((c) => c.revenue_gbp), barMaxWidth: 22, tooltip: { valueFormatter: (v: number) => fmtGbp(v) } },
      { name: 'Orders', type: 'line', yAxisIndex: 1, data: top.map((c) => c.orders), tooltip: { valueFormatter: (v: number) => fmtInt(v) } },
    ],
  };
}

function treemapOption(rows: readonly CountryRow[]): ChartOption {
  const regions = new Map<string, CountryRow[]>();
  for (const c of rows) if (c.revenue_gbp > 0) regions.set(c.region, [...(regions.get(c.region) ?? []), c]);
  return {
    tooltip: { formatter: (p: { name: string; value: number; treePathInfo: { name: string }[] }) => `${p.treePathInfo.map((t) => t.name).filter(Boolean).join(' › ')}<br/><b>${fmtGbp(p.value)}</b>` },
    series: [
      {
        name: 'Revenue',
        type: 'treemap',
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        leafDepth: 2,
        label: { show: true, formatter: '{b}' },
        upperLabel: { show: true, height: 18 },
        levels: [{ itemStyle: { borderWidth: 2, gapWidth: 2 } }, { itemStyle: { gapWidth: 1 }, colorSaturation: [0.35, 0.6] }],
        data: [...regions.entries()].map(([region, cs]) => ({ name: region, value: cs.reduce((s, c) => s + c.revenue_gbp, 0), children: cs.map((c) => ({ name: c.country, value: c.revenue_gbp })) })),
      },
    ],
  };
}

export default function GeographyPage(): React.JSX.Element {
  const state = useFilters();
  const { get } = useUrlParams();
  const scope = get('scope') === 'intl' ? 'intl' : 'all';
  const filters = state.status === 'ready' ? state.filters : null;
  const countries = useResource(filters ? filterKey({ ...filters, country: null }) : null, (signal) => getCountries(filters!, signal));
  const rows = useMemo(
    () => (countries.status === 'ready' ? countries.data.countries.filter((c) => scope === 'all' || c.country !== 'United Kingdom') : []),
    [countries, scope],
  );

  const drill = (event: ChartClick | CategoryClick): void => {
    if (!event.name || !filters) return;
    if (!rows.some((c) => c.country === event.name)) return;
    navigate('/sales', { from: filters.from, to: filters.to, country: event.name });
  };

  return (
    <>
      <PageHeader title="Geography">Click a country to open its sales.</PageHeader>
      <FilterBar state={state} showCountry={false}>
        <ParamSelect name="scope" label="Countries" value={scope} options={[['all', 'All countries'], ['intl', 'Outside the United Kingdom']] as const} />
      </FilterBar>
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <div className="grid">
        <Panel title="Revenue and orders by country (top 20)" wide testId="geo-countries">
          <Show resource={countries} height={360} isEmpty={() => rows.length === 0}>
            {() => <Chart option={countriesOption(rows)} label="Revenue and orders by country, top 20" height={360} onCategoryClick={drill} testId="geo-countries-chart" />}
          </Show>
        </Panel>
        <Panel title="Revenue by region" testId="geo-regions">
          <Show resource={countries} height={380} isEmpty={() => rows.length === 0}>
            {() => <Chart option={treemapOption(rows)} label="Revenue by region and country" height={380} onClick={drill} testId="geo-treemap" />}
          </Show>
        </Panel>
        <Panel title="All countries" testId="geo-table">
          <Show resource={countries} height={380} isEmpty={() => rows.length === 0}>
            {() => (
              <DataTable
                caption="Sales by country"
                rows={rows}
                rowKey={(c) => c.country}
                maxHeight={380}
                testId="country-table"
                initialSort={{ key: 'revenue', direction: 'descending' }}
                columns={[
                  { key: 'country', label: 'Country', value: (c) => c.country },
                  { key: 'region', label: 'Region', value: (c) => c.region },
                  { key: 'revenue', label: 'Revenue', value: (c) => c.revenue_gbp, render: (c) => fmtGbp(c.revenue_gbp), align: 'right' },
                  { key: 'share', label: 'Share', value: (c) => c.revenue_share, render: (c) => fmtRatio(c.revenue_share, 2), align: 'right' },
                  { key: 'orders', label: 'Orders', value: (c) => c.orders, render: (c) => fmtInt(c.orders), align: 'right' },
                  { key: 'customers', label: 'Customers', value: (c) => c.customers, render: (c) => fmtInt(c.customers), align: 'right' },
                  { key: 'aov', label: 'AOV', value: (c) => c.avg_order_value_gbp, render: (c) => fmtGbpCents(c.avg_order_value_gbp), align: 'right' },
                ]}
              />
            )}
          </Show>
        </Panel>
      </div>
    </>
  );
}
