/**
 * The asset lineage as a layered left-to-right graph: each node's column is its longest path from
 * a source, so every edge points right; nodes are coloured by layer.
 */
import type { Lineage } from '../api/types';
import type { ChartOption } from './chart';

const LAYER_COLOURS: Readonly<Record<string, string>> = {
  source: '#64748b',
  bronze: '#b45309',
  quality: '#db2777',
  silver: '#6b7280',
  gold: '#ca8a04',
  mart: '#059669',
  step: '#2563eb',
};

export function layeredPositions(lineage: Lineage): Map<string, { x: number; y: number }> {
  const incoming = new Map<string, string[]>();
  for (const e of lineage.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle would be a server bug; do not loop forever drawing it
    visiting.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const columns = new Map<number, string[]>();
  for (const n of lineage.nodes) {
    const d = depthOf(n.id);
    columns.set(d, [...(columns.get(d) ?? []), n.id]);
  }
  const positions = new Map<string, { x: number; y: number }>();
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  for (const [d, ids] of columns) {
    ids.sort();
    ids.forEach((id, i) => positions.set(id, { x: d * 220, y: ((i + 0.5) * tallest * 60) / ids.length }));
  }
  return positions;
}

export function lineageOption(lineage: Lineage): ChartOption {
  const positions = layeredPositions(lineage);
  // ECharts fits the nodes' bounding box to the chart; two invisible corner anchors keep a
  // single row (a chain) from being stretched into tall bars.
  const xs = [...positions.values()].map((p) => p.x);
  const ys = [...positions.values()].map((p) => p.y);
  const height = Math.max(180, Math.max(0, ...ys) + 30);
  const anchors = [
    { name: '\u0000top', x: Math.min(0, ...xs), y: Math.min(0, ...ys) - 30 },
    { name: '\u0000bottom', x: Math.max(0, ...xs), y: height },
  ].map((a) => ({ ...a, symbolSize: 0, label: { show: false }, tooltip: { show: false }, silent: true }));
  const layers = [...new Set(lineage.nodes.map((n) => n.layer))];
  return {
    tooltip: {
      formatter: (p: { dataType: string; data: { name?: string; layer?: string; description?: string | null; source?: string; target?: string } }) =>
        p.dataType === 'edge' ? `${p.data.source} → ${p.data.target}` : `<b>${p.data.name}</b> (${p.data.layer})${p.data.description ? `<br/>${p.data.description}` : ''}`,
    },
    legend: { top: 0, left: 0, data: layers },
    series: [
      {
        name: 'Lineage',
        type: 'graph',
        layout: 'none',
        top: 36,
        bottom: 16,
        left: 60,
        right: 60,
        roam: true,
        categories: layers.map((l) => ({ name: l, itemStyle: { color: LAYER_COLOURS[l] ?? '#7c3aed' } })),
        symbol: 'circle',
        symbolSize: 14,
        // Scale the layout uniformly: stretching it would squash the round nodes into ellipses.
        preserveAspect: 'contain',
        label: { show: true, position: 'bottom', fontSize: 11, color: 'inherit', textBorderWidth: 0 },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 7,
        lineStyle: { opacity: 0.6, width: 1.2, curveness: 0.15 },
        emphasis: { focus: 'adjacency' },
        data: [...lineage.nodes.map((n) => ({ name: n.id, layer: n.layer, description: n.description ?? null, category: layers.indexOf(n.layer), ...positions.get(n.id) })), ...anchors],
        links: lineage.edges.map((e) => ({ source: e.from, target: e.to })),
      },
    ],
  };
}
