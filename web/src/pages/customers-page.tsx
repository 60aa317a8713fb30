/**
 * Customers: RFM segments, the monthly cohort retention heatmap, churn-risk bands and, for
 * analysts and above, a customer lookup (analysts see pseudonymised ids, as the API returns them).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { getChurn, getCohorts, getCustomer, getSalesLines, getSegments } from '../api/endpoints';
import type { ChurnReport, CohortMatrix, CustomerDetail, SegmentReport } from '../api/types';
import { Chart, type ChartOption } from '../charts/chart';
import { DataTable } from '../components/data-table';
import { FilterBar } from '../components/filter-bar';
import { PageHeader } from '../components/page-header';
import { Panel } from '../components/panel';
import { ErrorView, Show } from '../components/state-views';
import { fmtDate, fmtGbp, fmtGbpCompact, fmtInt, fmtNum, fmtRatio } from '../format';
import { filterKey, useFilters } from '../hooks/use-filters';
import { useResource } from '../hooks/use-resource';
import { useUrlParams } from '../router/hash-route';
import { roleAtLeast } from '../session/session';
import { useSession } from '../session/use-session';

const CUSTOMER_ID = /^(\d{1,12}|c_[0-9a-f]{16})$/;

function segmentsOption(report: SegmentReport): ChartOption {
  const rows = [...report.segments].sort((a, b) => a.customers - b.customers);
  return {
    grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: [{ type: 'value', axisLabel: { formatter: (v: number) => fmtRatio(v, 0) } }],
    yAxis: { type: 'category', data: rows.map((s) => s.segment) },
    series: [
      { name: 'Customers', type: 'bar', data: rows.map((s) => ({ value: s.customer_share, customers: s.customers })), barMaxWidth: 14, tooltip: { valueFormatter: (v: number) => fmtRatio(v) } },
      { name: 'Revenue', type: 'bar', data: rows.map((s) => s.revenue_share ?? 0), barMaxWidth: 14, tooltip: { valueFormatter: (v: number) => fmtRatio(v) } },
    ],
  };
}

function cohortOption(matrix: CohortMatrix): ChartOption {
  const months = Array.from({ length: matrix.max_months + 1 }, (_, i) => String(i));
  const cohorts = matrix.cohorts.map((c) => c.cohort_month.slice(0, 7));
  const data: [number, number, number][] = [];
  matrix.cohorts.forEach((c, y) => c.retention.forEach((r, x) => data.push([x, y, Math.round(r * 1000) / 10])));
  return {
    grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) => {
        const c = matrix.cohorts[p.value[1]];
        return c ? `Cohort ${c.cohort_month.slice(0, 7)} (${fmtInt(c.cohort_size)} customers)<br/>Month ${p.value[0]}: <b>${p.value[2]}%</b> active (${fmtInt(c.active_customers[p.value[0]])})` : '';
      },
    },
    xAxis: { type: 'category', data: months, name: 'months since first purchase', nameLocation: 'middle', nameGap: 24, splitArea: { show: true } },
    yAxis: { type: 'category', data: cohorts, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: 50, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: ['50%+', '0%'], inRange: { color: ['#e0ecff', '#2563eb', '#1e3a8a'] } },
    series: [{ name: 'Retention %', type: 'heatmap', data, label: { show: matrix.cohorts.length <= 14, fontSize: 9, formatter: (p: { value: [number, number, number] }) => (p.value[0] === 0 ? '' : `${Math.round(p.value[2])}`) }, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
  };
}

const BAND_COLOURS = { low: '#059669', medium: '#f59e0b', high: '#dc2626' } as const;

function churnOption(report: ChurnReport): ChartOption {
  return {
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number; percent: number }) => `${p.name} risk: <b>${fmtInt(p.value)}</b> customers (${p.percent}%)` },
    legend: { bottom: 0 },
    series: [
      {
        name: 'Customers',
        type: 'pie',
        radius: ['45%', '72%'],
        center: ['50%', '45%'],
        data: report.bands.map((b) => ({ name: b.band, value: b.customers, itemStyle: { color: BAND_COLOURS[b.band] } })),
        label: { formatter: '{b}: {d}%' },
      },
    ],
  };
}

function CustomerLookup(): React.JSX.Element {
  const { get, set } = useUrlParams();
  const session = useSession();
  const id = get('customer');
  const [text, setText] = useState(id ?? '');
  const [invalid, setInvalid] = useState(false);
  const detail = useResource(id && CUSTOMER_ID.test(id) ? id : null, (signal) => getCustomer(id!, signal));
  const recent = useResource('recent-customers', (signal) => getSalesLines({ limit: 40, sort: 'invoice_ts', order: 'desc' }, signal));
  const recentIds = useMemo(
    () => (recent.status === 'ready' ? [...new Set(recent.data.lines.map((l) => l.customer_id).filter((c): c is string => !!c))].slice(0, 6) : []),
    [recent],
  );

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const value = text.trim();
    setInvalid(!CUSTOMER_ID.test(value));
    if (CUSTOMER_ID.test(value)) set({ customer: value }, true);
  };

  return (
    <Panel
      title="Customer lookup"
      wide
      testId="customer-lookup"
      note={session?.role === 'analyst' ? 'Customer ids are pseudonymised for analysts: the same customer always has the same pseudonym.' : 'You see real customer ids.'}
    >
      <form className="toolbar" onSubmit={submit} role="search" aria-label="Customer lookup">
        <label className="field">
          <span>Customer id</span>
          <input name="customer" value={text} onChange={(e) => setText(e.target.value)} placeholder={session?.role === 'analyst' ? 'c_0123456789abcdef' : '12346'} aria-invalid={invalid} aria-describedby="customer-hint" />
        </label>
        <button type="submit" className="button primary">
          Look up
        </button>
        <span id="customer-hint" className="muted small">
          {invalid ? 'An id is digits, or c_ followed by 16 hex characters.' : null}
        </span>
      </form>
      {recentIds.length ? (
        <p className="small muted">
          Recent customers:{' '}
          {recentIds.map((c, i) => (
            <span key={c}>
              {i ? ', ' : ''}
              <button type="button" className="button linklike" data-testid="recent-customer" onClick={() => (setText(c), set({ customer: c }, true))}>
                {c}
              </button>
            </span>
          ))}
        </p>
      ) : null}
      {id && CUSTOMER_ID.test(id) ? <Show resource={detail}>{(c) => <CustomerCard customer={c} />}</Show> : null}
    </Panel>
  );
}

function CustomerCard({ customer }: { readonly customer: CustomerDetail }): React.JSX.Element {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtGbp(v) },
      xAxis: { type: 'category', data: customer.monthly.map((m) => m.month.slice(0, 7)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmtGbpCompact(v) } },
      series: [{ name: 'Revenue', type: 'bar', data: customer.monthly.map((m) => m.revenue_gbp), barMaxWidth: 20 }],
    }),
    [customer],
  );
  return (
    <div className="grid" data-testid="customer-card" data-customer={customer.customer_id}>
      <div>
        <dl className="facts">
          <div>
            <dt>Customer</dt>
            <dd data-testid="customer-id">{customer.customer_id}</dd>
          </div>
          <div>
            <dt>Country</dt>
            <dd>{customer.country ?? '–'}</dd>
          </div>
          <div>
            <dt>First / last purchase</dt>
            <dd>
              {fmtDate(customer.first_invoice_ts)} / {fmtDate(customer.last_invoice_ts)}
            </dd>
          </div>
          <div>
            <dt>Revenue</dt>
            <dd data-testid="customer-revenue" data-value={customer.totals.revenue_gbp}>
              {fmtGbp(customer.totals.revenue_gbp)}
            </dd>
          </div>
          <div>
            <dt>Orders</dt>
            <dd>{fmtInt(customer.totals.orders)}</dd>
          </div>
          <div>
            <dt>Returns</dt>
            <dd>{fmtGbp(customer.totals.returns_gbp)}</dd>
          </div>
          <div>
            <dt>RFM segment</dt>
            <dd>{customer.rfm ? `${customer.rfm.segment} (R${customer.rfm.r_score} F${customer.rfm.f_score} M${customer.rfm.m_score})` : '–'}</dd>
          </div>
        </dl>
        <h3 className="small muted">Top products</h3>
        <DataTable
          caption="The customer's top products"
          rows={customer.top_products}
          rowKey={(p) => p.stock_code}
          columns={[
            { key: 'stock_code', label: 'Code', value: (p) => p.stock_code },
            { key: 'description', label: 'Description', value: (p) => p.description },
            { key: 'revenue', label: 'Revenue', value: (p) => p.revenue_gbp, render: (p) => fmtGbp(p.revenue_gbp), align: 'right' },
            { key: 'units', label: 'Units', value: (p) => p.units, render: (p) => fmtInt(p.units), align: 'right' },
          ]}
        />
      </div>
      <Chart option={option} label={`Monthly revenue of customer ${customer.customer_id}`} height={260} />
    </div>
  );
}

export default function CustomersPage(): React.JSX.Element {
  const state = useFilters('all');
  const session = useSession();
  const filters = state.status === 'ready' ? state.filters : null;
  const key = filters ? filterKey(filters) : null;
  const segments = useResource(key, (signal) => getSegments(filters!, signal));
  const cohorts = useResource(key, (signal) => getCohorts(filters!, signal));
  const churn = useResource(filters ? filterKey({ ...filters, from: '' }) : null, (signal) => getChurn({ as_of: filters!.to, country: filters!.country }, signal));

  return (
    <>
      <PageHeader title="Customers">RFM segments, cohorts and churn risk</PageHeader>
      <FilterBar state={state} />
      {state.status === 'failed' ? <ErrorView error={state.error} onRetry={state.retry} /> : null}
      <div className="grid">
        <Panel title="RFM segments" testId="segments" note={segments.status === 'ready' && segments.data.as_of ? `Scored as of ${fmtDate(segments.data.as_of)}; share of customers and of revenue.` : undefined}>
          <Show resource={segments} height={340} isEmpty={(d) => d.segments.length === 0}>
            {(report) => <Chart option={segmentsOption(report)} label="Share of customers and revenue by RFM segment" height={340} testId="segments-chart" />}
          </Show>
        </Panel>
        <Panel title="Churn risk" testId="churn" note={churn.status === 'ready' ? `As of ${fmtDate(churn.data.as_of)}. ${churn.data.method}.` : undefined}>
          <Show resource={churn} height={340} isEmpty={(d) => d.bands.length === 0}>
            {(report) => (
              <>
                <Chart option={churnOption(report)} label="Customers by churn-risk band" height={260} testId="churn-chart" />
                <DataTable
                  caption="Churn-risk bands"
                  rows={report.bands}
                  rowKey={(b) => b.band}
                  testId="churn-table"
                  columns={[
                    { key: 'band', label: 'Risk', value: (b) => b.band },
                    { key: 'customers', label: 'Customers', value: (b) => b.customers, render: (b) => fmtInt(b.customers), align: 'right' },
                    { key: 'revenue', label: 'Revenue', value: (b) => b.revenue_gbp, render: (b) => fmtGbp(b.revenue_gbp), align: 'right' },
                    { key: 'recency', label: 'Avg days since', value: (b) => b.avg_recency_days, render: (b) => fmtNum(b.avg_recency_days), align: 'right' },
                  ]}
                />
              </>
            )}
          </Show>
        </Panel>
        <Panel title="Segment details" wide testId="segments-table">
          <Show resource={segments} height={200} isEmpty={(d) => d.segments.length === 0}>
            {(report) => (
              <DataTable
                caption="RFM segments"
                rows={report.segments}
                rowKey={(s) => s.segment}
                testId="segment-table"
                columns={[
                  { key: 'segment', label: 'Segment', value: (s) => s.segment },
                  { key: 'customers', label: 'Customers', value: (s) => s.customers, render: (s) => fmtInt(s.customers), align: 'right' },
                  { key: 'customer_share', label: 'Share', value: (s) => s.customer_share, render: (s) => fmtRatio(s.customer_share), align: 'right' },
                  { key: 'revenue', label: 'Revenue', value: (s) => s.revenue_gbp, render: (s) => fmtGbp(s.revenue_gbp), align: 'right' },
                  { key: 'revenue_share', label: 'Revenue share', value: (s) => s.revenue_share, render: (s) => fmtRatio(s.revenue_share), align: 'right' },
                  { key: 'recency', label: 'Avg recency (days)', value: (s) => s.avg_recency_days, render: (s) => fmtNum(s.avg_recency_days), align: 'right' },
                  { key: 'frequency', label: 'Avg orders', value: (s) => s.avg_frequency, render: (s) => fmtNum(s.avg_frequency), align: 'right' },
                  { key: 'monetary', label: 'Avg spend', value: (s) => s.avg_monetary_gbp, render: (s) => fmtGbp(s.avg_monetary_gbp), align: 'right' },
                ]}
              />
            )}
          </Show>
        </Panel>
        <Panel title="Cohort retention" wide testId="cohorts" note="Each row is the customers whose first purchase fell in that month; a cell is the share who bought again N months later.">
          <Show resource={cohorts} height={420} isEmpty={(d) => d.cohorts.length === 0}>
            {(matrix) => <Chart option={cohortOption(matrix)} label="Monthly cohort retention heatmap" height={Math.max(260, 60 + matrix.cohorts.length * 24)} testId="cohort-chart" />}
          </Show>
        </Panel>
        {session && roleAtLeast(session.role, 'analyst') ? (
          <CustomerLookup />
        ) : (
          <Panel title="Customer lookup" wide testId="customer-lookup-locked">
            <p className="muted">Looking up one customer needs the analyst role or above; your role sees aggregates only.</p>
          </Panel>
        )}
      </div>
    </>
  );
}
