/** The asset graph as data (JSON) or as a Mermaid flowchart, optionally around one asset. */
import { related } from './asset-graph.js';
import type { AssetGraph } from './asset-types.js';

export interface Lineage {
  readonly assets: readonly {
    readonly key: string;
    readonly kind: string;
    readonly description: string;
    readonly partitioning: 'day' | 'none';
    readonly deps: readonly string[];
    readonly checks: readonly { readonly name: string; readonly severity: string }[];
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** With `focus`, only that asset, its upstream and its downstream. */
export function lineageAsJson(graph: AssetGraph, focus?: string): Lineage {
  const keys = focus
    ? new Set([...related(graph, focus, 'upstream'), ...related(graph, focus, 'downstream')].map((a) => a.key))
    : new Set(graph.assets.map((a) => a.key));
  const assets = graph.assets.filter((a) => keys.has(a.key));
  return {
    assets: assets.map((a) => ({
      key: a.key,
      kind: a.kind,
      description: a.description,
      partitioning: a.partitioning,
      deps: a.deps.filter((d) => keys.has(d)),
      checks: graph.checks.filter((c) => c.asset === a.key).map((c) => ({ name: c.name, severity: c.severity })),
    })),
    edges: assets.flatMap((a) => a.deps.filter((d) => keys.has(d)).map((d) => ({ from: d, to: a.key }))),
  };
}

const nodeId = (key: string): string => key.replace(/[^A-Za-z0-9_]/g, '_');

export function lineageAsMermaid(graph: AssetGraph, focus?: string): string {
  const lineage = lineageAsJson(graph, focus);
  const lines = ['graph LR'];
  for (const a of lineage.assets) {
    const checks = a.checks.length ? ` (${a.checks.length} checks)` : '';
    lines.push(`  ${nodeId(a.key)}["${a.key}${checks}"]`);
  }
  for (const e of lineage.edges) lines.push(`  ${nodeId(e.from)} --> ${nodeId(e.to)}`);
  if (focus) lines.push(`  style ${nodeId(focus)} stroke-width:3px`);
  return lines.join('\n');
}
