/**
 * Draws the asset graph as inline SVG, with no library: assets in layers by their longest path
 * from a root, ordered within a layer by the mean position of their dependencies (fewer crossings),
 * edges as curves left to right. Each node links to the asset's section of the page.
 */
import type { AssetDef } from '../assets/index.js';
import { escapeHtml } from './html-text.js';

const NODE_H = 40;
const GAP_X = 70;
const GAP_Y = 18;
const PAD = 16;

export interface NodeStyle {
  readonly cssClass: string;
  readonly label: string;
}

export function assetGraphSvg(assets: readonly AssetDef[], style: (asset: AssetDef) => NodeStyle, anchor: (key: string) => string): string {
  // Wide enough for the longest label at about 7 px a character (12 px system sans).
  const NODE_W = Math.max(180, 20 + 7 * Math.max(...assets.map((a) => Math.max(a.key.length, style(a).label.length * 0.92))));
  const depth = new Map<string, number>();
  for (const a of assets) depth.set(a.key, Math.max(0, ...a.deps.map((d) => (depth.get(d) ?? 0) + 1)));
  const layers: AssetDef[][] = [];
  for (const a of assets) (layers[depth.get(a.key)!] ??= []).push(a);
  const row = new Map<string, number>();
  for (const layer of layers) {
    const mean = (a: AssetDef): number => (a.deps.length ? a.deps.reduce((s, d) => s + (row.get(d) ?? 0), 0) / a.deps.length : 0);
    layer.sort((x, y) => mean(x) - mean(y) || x.key.localeCompare(y.key));
    layer.forEach((a, i) => row.set(a.key, i));
  }
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const width = PAD * 2 + layers.length * NODE_W + (layers.length - 1) * GAP_X;
  const position = (key: string): { x: number; y: number } => {
    const layer = layers[depth.get(key)!]!;
    const offset = (height - PAD * 2 - (layer.length * NODE_H + (layer.length - 1) * GAP_Y)) / 2;
    return { x: PAD + depth.get(key)! * (NODE_W + GAP_X), y: PAD + offset + row.get(key)! * (NODE_H + GAP_Y) };
  };
  const edges = assets.flatMap((a) =>
    a.deps.map((d) => {
      const from = position(d);
      const to = position(a.key);
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      return `<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}" marker-end="url(#arrow)"><title>${escapeHtml(`${d} → ${a.key}`)}</title></path>`;
    }),
  );
  const nodes = assets.map((a) => {
    const { x, y } = position(a.key);
    const s = style(a);
    return `<a href="#${escapeHtml(anchor(a.key))}" class="node ${escapeHtml(s.cssClass)}" data-asset="${escapeHtml(a.key)}"><rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" rx="6"/><text x="${x + 10}" y="${y + 17}">${escapeHtml(a.key)}</text><text class="sub" x="${x + 10}" y="${y + 32}">${escapeHtml(s.label)}</text></a>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="asset graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}
