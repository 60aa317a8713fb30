/**
 * The asset graph as data (JSON) or as a Mermaid flowchart, optionally around one asset, with the
 * column lineage of the gold models when it is given.
 */
import { related } from './asset-graph.js';
import type { AssetGraph } from './asset-types.js';
import type { ColumnLineage, ModelColumnLineage } from './column-lineage.js';

export interface Lineage {
  readonly assets: readonly {
    readonly key: string;
    readonly kind: string;
    readonly description: string;
    readonly partitioning: 'day' | 'none';
    readonly deps: readonly string[];
    readonly checks: readonly { readonly name: string; readonly severity: string }[];
    /** Gold models: where each output column comes from. */
    readonly columns?: readonly ColumnLineage[];
  }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** With `focus`, only that asset, its upstream and its downstream. */
export function lineageAsJson(graph: AssetGraph, focus?: string, columns: readonly ModelColumnLineage[] = []): Lineage {
  const keys = focus
    ? new Set([...related(graph, focus, 'upstream'), ...related(graph, focus, 'downstream')].map((a) => a.key))
    : new Set(graph.assets.map((a) => a.key));
  const assets = graph.assets.filter((a) => keys.has(a.key));
  const byAsset = new Map(columns.map((m) => [m.asset, m.columns]));
  return {
    assets: assets.map((a) => ({
      key: a.key,
      kind: a.kind,
      description: a.description,
      partitioning: a.partitioning,
      deps: a.deps.filter((d) => keys.has(d)),
      checks: graph.checks.filter((c) => c.asset === a.key).map((c) => ({ name: c.name, severity: c.severity })),
      ...(byAsset.has(a.key) ? { columns: byAsset.get(a.key)! } : {}),
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

/**
 * Column lineage as a Mermaid flowchart: one subgraph per relation, an edge from each source
 * column to the column derived from it (dotted when computed, solid when copied). With `focus`,
 * only that model's columns and their direct sources.
 */
export function columnLineageAsMermaid(columns: readonly ModelColumnLineage[], focus?: string): string {
  const models = focus ? columns.filter((m) => m.asset === focus) : columns;
  const relations = new Map<string, Set<string>>();
  const add = (relation: string, column: string): void => void (relations.get(relation) ?? relations.set(relation, new Set()).get(relation)!).add(column);
  const edges: string[] = [];
  const id = (relation: string, column: string): string => nodeId(`${relation}__${column}`);
  for (const model of models) {
    for (const c of model.columns) {
      add(model.asset, c.column);
      for (const s of c.sources) {
        add(s.relation, s.column);
        edges.push(`  ${id(s.relation, s.column)} ${c.transform === 'copy' ? '-->' : '-.->'} ${id(model.asset, c.column)}`);
      }
    }
  }
  const lines = ['graph LR'];
  for (const [relation, cols] of relations) {
    lines.push(`  subgraph ${nodeId(relation)}["${relation}"]`);
    for (const c of cols) lines.push(`    ${id(relation, c)}["${c}"]`);
    lines.push('  end');
  }
  return [...lines, ...edges].join('\n');
}
