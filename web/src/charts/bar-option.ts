/** A ranked horizontal bar chart (countries, products, segments): biggest at the top. */
import type { ChartOption } from './chart';

export function rankedBarOption({
  names,
  values,
  format,
  selected,
  seriesName,
  labelWidth = 140,
}: {
  readonly names: readonly string[];
  readonly values: readonly number[];
  readonly format: (v: number) => string;
  readonly selected?: string | null;
  readonly seriesName: string;
  readonly labelWidth?: number;
}): ChartOption {
  // ECharts draws category axes bottom-up; reverse so rank 1 is on top.
  const n = [...names].reverse();
  const v = [...values].reverse();
  return {
    grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${p.name}<br/><b>${format(p.value)}</b>` },
    xAxis: { type: 'value', axisLabel: { formatter: (x: number) => format(x), hideOverlap: true } },
    yAxis: { type: 'category', data: n, axisLabel: { width: labelWidth, overflow: 'truncate' } },
    series: [
      {
        name: seriesName,
        type: 'bar',
        barMaxWidth: 18,
        data: v.map((value, i) => ({ value, name: n[i], itemStyle: selected && n[i] !== selected ? { opacity: 0.35 } : undefined })),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => format(p.value), fontSize: 10 },
      },
    ],
  };
}
