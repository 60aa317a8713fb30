/** ECharts themes matching the page's light and dark CSS palettes (see styles.css). */
export const PALETTE = {
  light: ['#2563eb', '#f59e0b', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#64748b'],
  dark: ['#60a5fa', '#fbbf24', '#34d399', '#f87171', '#a78bfa', '#22d3ee', '#f472b6', '#a3e635', '#94a3b8'],
} as const;

const axis = (line: string, label: string, split: string): Record<string, unknown> => ({
  axisLine: { lineStyle: { color: line } },
  axisTick: { lineStyle: { color: line } },
  axisLabel: { color: label },
  splitLine: { lineStyle: { color: split } },
  nameTextStyle: { color: label },
});

function theme(mode: 'light' | 'dark'): Record<string, unknown> {
  const text = mode === 'dark' ? '#e2e8f0' : '#1e293b';
  const muted = mode === 'dark' ? '#94a3b8' : '#475569';
  const line = mode === 'dark' ? '#475569' : '#cbd5e1';
  const split = mode === 'dark' ? '#1e293b' : '#eef2f7';
  const ax = axis(line, muted, split);
  return {
    color: [...PALETTE[mode]],
    backgroundColor: 'transparent',
    textStyle: { color: text, fontFamily: 'inherit' },
    legend: { textStyle: { color: muted } },
    tooltip: {
      backgroundColor: mode === 'dark' ? '#0f172a' : '#ffffff',
      borderColor: line,
      textStyle: { color: text },
    },
    categoryAxis: ax,
    valueAxis: ax,
    timeAxis: ax,
    logAxis: ax,
    visualMap: { textStyle: { color: muted } },
    dataZoom: { textStyle: { color: muted }, borderColor: line },
  };
}

export const THEMES = { 'strata-light': theme('light'), 'strata-dark': theme('dark') } as const;
