/** Products: the top sellers by revenue, units or customers, and a typo-tolerant product search. */
import { useEffect, useState } from 'react';
import { getTopProducts, searchProducts } from '../api/endpoints';
import { PRODUCT_METRICS, type ProductMetric, type ProductRow } from '../api/types';
import { rankedBarOption } from '../charts/bar-option';
import { Chart } from '../charts/chart';
import { DataTable, type Column } from '../components/data-table';
import { FilterBar, ParamSelect } from '../components/filter-bar';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Show } from '../components/state-views';
import { fmtGbp, fmtGbpCompact, fmtInt, fmtNum } from '../format';
import { useDebounced } from '../hooks/use-debounced';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { useUrlParams } from '../router/hash-route';

const LABELS: Readonly<Record<ProductMetric, string>> = { revenue: 'Revenue', units: 'Units sold', customers: 'Customers' };
const VALUE: Readonly<Record<ProductMetric, (p: ProductRow) => number>> = { revenue: (p) => p.revenue_gbp, units: (p) => p.units_sold, customers: (p) => p.customers };
const FORMAT: Readonly<Record<ProductMetric, (v: number) => string>> = { revenue: fmtGbpCompact, units: fmtInt, customers: fmtInt };
const isProductMetric = (v: string | null): v is ProductMetric => v !== null && (PRODUCT_METRICS as readonly string[]).includes(v);

const PRODUCT_COLUMNS: readonly Column<ProductRow>[] = [
  { key: 'rank', label: '#', value: (p) => p.rank, align: 'right' },
  { key: 'stock_code', label: 'Code', value: (p) => p.stock_code },
  { key: 'description', label: 'Description', value: (p) => p.description },
  { key: 'revenue', label: 'Revenue', value: (p) => p.revenue_gbp, render: (p) => fmtGbp(p.revenue_gbp), align: 'right' },
  { key: 'units', label: 'Units', value: (p) => p.units_sold, render: (p) => fmtInt(p.units_sold), align: 'right' },
  { key: 'returned', label: 'Returned', value: (p) => p.units_returned, render: (p) => fmtInt(p.units_returned), align: 'right' },
  { key: 'orders', label: 'Orders', value: (p) => p.orders, render: (p) => fmtInt(p.orders), align: 'right' },
  { key: 'customers', label: 'Customers', value: (p) => p.customers, render: (p) => fmtInt(p.customers), align: 'right' },
];

function ProductSearch(): React.JSX.Element {
  const { get, set } = useUrlParams();
  const [text, setText] = useState(get('q') ?? '');
  const settled = useDebounced(text.trim(), 250);
  useEffect(() => set({ q: settled || null }), [settled, set]);
  const results = useResource(settled ? settled : null, (signal) => searchProducts(settled, 20, signal));
  return (
    <Panel title="Product search" wide testId="product-search" note={results.status === 'ready' ? `Typo-tolerant: ${results.data.method}.` : 'Typo-tolerant: "lunchbag" or "rabit nite light" still find their products.'}>
      <label className="field block search-box">
        <span>Search descriptions and stock codes</span>
        <input type="search" name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. red retrospot bag" autoComplete="off" />
      </label>
      {settled ? (
        <Show resource={results} height={120} isEmpty={(d) => d.hits.length === 0} empty={`No product matches “${settled}”.`}>
          {(r) => (
            <DataTable
              caption={`Products matching ${r.query}`}
              rows={r.hits}
              rowKey={(h) => h.stock_code}
              testId="search-results"
              maxHeight={360}
              columns={[
                { key: 'stock_code', label: 'Code', value: (h) => h.stock_code },
                { key: 'description', label: 'Description', value: (h) => h.description },
                { key: 'score', label: 'Match', value: (h) => h.score, render: (h) => fmtNum(h.score), align: 'right' },
                { key: 'revenue', label: 'Revenue (all time)', value: (h) => h.revenue_gbp, render: (h) => fmtGbp(h.revenue_gbp), align: 'right' },
              ]}
            />
          )}
        </Show>
      ) : null}
    </Panel>
  );
}

export default function ProductsPage(): React.JSX.Element {
  const state = useFilters();
  const { get } = useUrlParams();
  const metric: ProductMetric = isProductMetric(get('rank')) ? (get('rank') as ProductMetric) : 'revenue';
  const filters = state.status === 'ready' ? state.filters : null;
  const top = useResource(filters ? filterKey(filters, metric) : null, (signal) => getTopProducts({ ...filters!, metric, limit: 20 }, signal));

  return (
    <>
      <PageHeader title="Products" />
      <FilterBar state={state}>
        <ParamSelect name="rank" label="Rank by" value={metric} options={PRODUCT_METRICS.map((m) => [m, LABELS[m]] as const)} />
      </FilterBar>
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <div className="grid">
        <Panel title={`Top 20 products by ${LABELS[metric].toLowerCase()}`} testId="top-products" note="Real products only: postage, fees and manual adjustments are left out.">
          <Show resource={top} height={520} isEmpty={(d) => d.products.length === 0}>
            {(report) => (
              <Chart
                option={rankedBarOption({
                  names: report.products.map((p) => p.description ?? p.stock_code),
                  values: report.products.map(VALUE[metric]),
                  format: FORMAT[metric],
                  seriesName: LABELS[metric],
                  labelWidth: 190,
                })}
                label={`Top 20 products by ${LABELS[metric].toLowerCase()}`}
                height={520}
                testId="top-products-chart"
              />
            )}
          </Show>
        </Panel>
        <Panel title="Top products table" testId="top-products-table">
          <Show resource={top} height={520} isEmpty={(d) => d.products.length === 0}>
            {(report) => <DataTable caption="Top products" rows={report.products} rowKey={(p) => p.stock_code} columns={PRODUCT_COLUMNS} maxHeight={520} testId="products-table" />}
          </Show>
        </Panel>
        <ProductSearch />
      </div>
    </>
  );
}
