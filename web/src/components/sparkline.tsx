/** A tiny inline SVG trend line for KPI cards (decorative; the card states the figure in text). */
export function Sparkline({ values, tone }: { readonly values: readonly (number | null)[]; readonly tone: 'up' | 'down' | 'flat' }): React.JSX.Element {
  // Null (no orders that day, so no AOV) is a gap, not a zero: leave it out.
  const points = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const w = 100;
  const h = 30;
  if (points.length < 2) return <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} aria-hidden="true" />;
  const min = Math.min(...points);
  const max = Math.max(...points);
  const span = max - min || 1;
  const xy = points.map((v, i) => [(i / (points.length - 1)) * w, h - 2 - ((v - min) / span) * (h - 4)] as const);
  const line = xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(2)},${y.toFixed(2)}`).join('');
  const area = `${line}L${w},${h}L0,${h}Z`;
  return (
    <svg className={`sparkline ${tone}`} viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true" data-points={points.length}>
      <path d={area} fill="currentColor" opacity="0.12" />
      <path d={line} fill="none" stroke="currentColor" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
