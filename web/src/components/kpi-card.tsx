import type { Kpi } from '../api/types';
import { fmtChange } from '../format';
import type { MetricSpec } from '../metrics';
import { Sparkline } from './sparkline';

/** Change direction as good/bad news: for return rate a rise is bad. */
export function toneOf(change: number | null, higherIsBetter: boolean): 'up' | 'down' | 'flat' {
  if (change === null || Math.abs(change) < 0.05) return 'flat';
  return change > 0 === higherIsBetter ? 'up' : 'down';
}

/** One headline figure: value, change vs the previous period, sparkline; a button that drills in. */
export function KpiCard({
  spec,
  kpi,
  series,
  selected,
  onSelect,
  comparisonLabel,
}: {
  readonly spec: MetricSpec;
  readonly kpi: Kpi;
  readonly series: readonly (number | null)[];
  readonly selected: boolean;
  readonly onSelect: () => void;
  readonly comparisonLabel: string;
}): React.JSX.Element {
  const tone = toneOf(kpi.change_vs_previous_pct, spec.higherIsBetter);
  const arrow = kpi.change_vs_previous_pct === null ? '' : kpi.change_vs_previous_pct > 0 ? '▲ ' : kpi.change_vs_previous_pct < 0 ? '▼ ' : '';
  return (
    <button
      type="button"
      className="kpi-card"
      aria-pressed={selected}
      onClick={onSelect}
      data-testid={`kpi-${spec.name}`}
      data-value={kpi.value ?? ''}
      data-change={kpi.change_vs_previous_pct ?? ''}
      aria-label={`${spec.label}: ${spec.format(kpi.value)}, ${fmtChange(kpi.change_vs_previous_pct)} ${comparisonLabel}. Show its trend.`}
    >
      <span className="kpi-label">{spec.label}</span>
      <span className="kpi-value">{spec.format(kpi.value)}</span>
      <span className={`kpi-change ${tone}`}>
        {arrow}
        {fmtChange(kpi.change_vs_previous_pct)} <span className="muted">{comparisonLabel}</span>
      </span>
      <Sparkline values={series} tone={tone} />
    </button>
  );
}
