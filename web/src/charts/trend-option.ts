/** The trend chart (Overview drill-down and Sales): a metric over time, optionally against the previous period. */
import type { Grain, TimeseriesPoint } from '../api/types';
import { fmtDate } from '../format';
import type { MetricSpec } from '../metrics';
import type { ChartOption } from './chart';

export function bucketLabel(p: TimeseriesPoint, grain: Grain): string {
  if (grain === 'day') return p.period_start;
  if (grain === 'month') return p.period_start.slice(0, 7);
  if (grain === 'quarter') return `${p.period_start.slice(0, 4)} Q${Math.floor(Number(p.period_start.slice(5, 7)) / 3) + 1}`;
  return `wk ${p.period_start}`;
}

export function trendOption({
  points,
  previous,
  spec,
  grain,
  kind = 'line',
  highlight,
}: {
  readonly points: readonly TimeseriesPoint[];
  readonly previous?: readonly TimeseriesPoint[] | null;
  readonly spec: MetricSpec;
  readonly grain: Grain;
  readonly kind?: 'line' | 'bar';
  /** Index of the selected bucket (cross-filter), drawn emphasised. */
  readonly highlight?: number | null;
}): ChartOption {
  const labels = points.map((p) => bucketLabel(p, grain));
  const values = points.map((p) => p[spec.name]);
  const series: Record<string, unknown>[] = [
    {
      name: 'This period',
      type: kind,
      data: values.map((v, i) => (highlight !== null && highlight !== undefined && i !== highlight && kind === 'bar' ? { value: v, itemStyle: { opacity: 0.35 } } : v)),
      showSymbol: points.length < 60,
      smooth: false,
      areaStyle: kind === 'line' ? { opacity: 0.08 } : undefined,
      barMaxWidth: 28,
    },
  ];
  if (previous) {
    series.push({
      name: 'Previous period',
      type: 'line',
      data: points.map((_, i) => previous[i]?.[spec.name] ?? null),
      showSymbol: false,
      lineStyle: { type: 'dashed', width: 1.5 },
      connectNulls: false,
    });
  }
  return {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, data: previous ? ['This period', 'Previous period'] : ['This period'] },
    tooltip: {
      trigger: 'axis',
      formatter: (items: readonly { dataIndex: number; seriesName: string; value: unknown; marker: string }[]) => {
        const i = items[0]?.dataIndex ?? 0;
        const p = points[i];
        const q = previous?.[i];
        const lines = [`<b>${p ? (p.first_day === p.last_day ? fmtDate(p.first_day) : `${fmtDate(p.first_day)} – ${fmtDate(p.last_day)}`) : ''}</b>`];
        for (const item of items) {
          const v = typeof item.value === 'object' && item.value !== null ? (item.value as { value: number }).value : (item.value as number | null);
          const when = item.seriesName === 'Previous period' && q ? ` <span style="opacity:.7">(${fmtDate(q.first_day)})</span>` : '';
          lines.push(`${item.marker}${item.seriesName}: <b>${spec.format(v)}</b>${when}`);
        }
        return lines.join('<br/>');
      },
    },
    xAxis: { type: 'category', data: labels, boundaryGap: kind === 'bar', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => spec.axis(v) }, scale: spec.name === 'avg_order_value_gbp' || spec.name === 'return_rate' },
    series,
  };
}
