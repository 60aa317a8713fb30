/**
 * `strata docs`: one static HTML page describing every asset (description, SQL, checks with
 * severity, latest status and materialisation from the event log, columns with their lineage)
 * and the graph drawn as inline SVG. Styles are inline and there is no script or external
 * resource, so the page opens offline, from a file, anywhere.
 */
import type { AssetDef, AssetGraph, ColumnLineage, ModelColumnLineage } from '../assets/index.js';
import type { WarehouseState } from './asset-status.js';
import { assetGraphSvg } from './graph-svg.js';
import { anchorOf, escapeHtml as h } from './html-text.js';

export interface DocsInput {
  readonly graph: AssetGraph;
  readonly columnLineage: readonly ModelColumnLineage[];
  readonly state: WarehouseState;
  /** Whether `state` came from a warehouse (else every asset shows as never run). */
  readonly warehouse: string | null;
  readonly generatedAt: Date;
  /** SQL of assets that are not gold models (e.g. the silver model behind quality_silver). */
  readonly extraSql?: Readonly<Record<string, string>>;
}

/** Where an asset's rows live, for its column list. */
const relationOf = (asset: AssetDef): string | null =>
  asset.kind === 'gold_model' ? asset.key : asset.kind === 'quality_silver' ? 'silver.transactions' : asset.kind === 'ingest' ? 'bronze.transactions_raw' : null;

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2430; --muted: #5b6576; --bg: #fff; --panel: #f5f7fa; --line: #d5dbe3; --ok: #1f7a3f; --bad: #b42318; --warn: #a15c00; --none: #6b7280; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa4b5; --bg: #12161d; --panel: #1b212b; --line: #2f3846; --ok: #4ade80; --bad: #f87171; --warn: #fbbf24; --none: #9ca3af; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 36px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.muted { color: var(--muted); } code, pre { font: 12.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, monospace; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; } th { background: var(--panel); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; border: 1px solid currentColor; }
.succeeded, .passed { color: var(--ok); } .failed { color: var(--bad); } .skipped, .warn { color: var(--warn); } .never { color: var(--none); }
.graph { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
svg .edge { fill: none; stroke: var(--muted); stroke-width: 1.4; } svg marker path { fill: var(--muted); }
svg .node rect { fill: var(--bg); stroke: currentColor; stroke-width: 1.6; } svg .node text { fill: var(--fg); font-size: 12px; } svg .node text.sub { fill: var(--muted); font-size: 11px; }
svg .node:hover rect { stroke-width: 3; }
td.result { white-space: nowrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; } dt { color: var(--muted); }
`;

function statusOf(input: DocsInput, asset: AssetDef): { cssClass: string; label: string } {
  const status = input.state.assets.get(asset.key);
  // Skipped because nothing upstream changed: what it holds is current.
  if (status?.outcome?.status === 'skipped' && status.outcome.detail === 'upstream unchanged' && status.materialized) {
    return { cssClass: 'succeeded', label: `up to date · ${status.materialized.at.slice(0, 19)}` };
  }
  if (status?.outcome) return { cssClass: status.outcome.status, label: `${status.outcome.status} · ${status.outcome.at.slice(0, 19)}` };
  if (status?.materialized) return { cssClass: 'succeeded', label: `materialised · ${status.materialized.at.slice(0, 19)}` };
  return { cssClass: 'never', label: 'never run' };
}

const link = (key: string, known: ReadonlySet<string>): string => (known.has(key) ? `<a href="#${anchorOf(key)}">${h(key)}</a>` : `<code>${h(key)}</code>`);

function sourcesCell(column: ColumnLineage | undefined, known: ReadonlySet<string>): string {
  if (!column) return '<span class="muted">not derivable from the SQL</span>';
  if (!column.sources.length) return `<span class="muted">${column.transform === 'constant' ? 'a constant' : 'no column (e.g. a row count)'}</span>`;
  return column.sources.map((s) => `${link(s.relation, known)}.<code>${h(s.column)}</code>`).join(', ');
}

function assetSection(input: DocsInput, asset: AssetDef, known: ReadonlySet<string>): string {
  const status = input.state.assets.get(asset.key);
  const shown = statusOf(input, asset);
  const downstream = input.graph.assets.filter((a) => a.deps.includes(asset.key)).map((a) => a.key);
  const checks = input.graph.checks.filter((c) => c.asset === asset.key);
  const lineage = input.columnLineage.find((m) => m.asset === asset.key);
  const relation = relationOf(asset);
  const physical = relation ? input.state.columns.get(relation) : undefined;
  const columnNames = physical?.map((c) => c.name) ?? lineage?.columns.map((c) => c.column) ?? [];
  const sql = asset.sql ?? input.extraSql?.[asset.key];
  const parts = [
    `<section id="${anchorOf(asset.key)}" class="asset" data-asset="${h(asset.key)}">`,
    `<h2>${h(asset.key)} <span class="badge ${h(shown.cssClass)}">${h(shown.cssClass === 'never' ? 'never run' : shown.cssClass)}</span></h2>`,
    `<p>${h(asset.description)}</p>`,
    '<dl>',
    `<dt>kind</dt><dd>${h(asset.kind)}${asset.materialized ? ` (${h(asset.materialized)})` : ''}, partitioned ${asset.partitioning === 'day' ? 'by day' : 'not at all'}</dd>`,
    `<dt>upstream</dt><dd>${asset.deps.length ? asset.deps.map((d) => link(d, known)).join(', ') : '<span class="muted">none</span>'}</dd>`,
    `<dt>downstream</dt><dd>${downstream.length ? downstream.map((d) => link(d, known)).join(', ') : '<span class="muted">none</span>'}</dd>`,
    `<dt>retries</dt><dd>${asset.retry.maxAttempts > 1 ? `up to ${asset.retry.maxAttempts} attempts, backoff from ${asset.retry.baseDelayMs} ms` : 'none'}; timeout ${Math.round(asset.timeoutMs / 1000)} s</dd>`,
    `<dt>latest step</dt><dd>${status?.outcome ? `<span class="${h(status.outcome.status)}">${h(status.outcome.status)}</span> at ${h(status.outcome.at)} in run <code>${h(status.outcome.runId)}</code>${status.outcome.detail ? ` — ${h(status.outcome.detail)}` : ''}` : '<span class="never">never run</span>'}</dd>`,
    `<dt>materialised</dt><dd class="materialized">${status?.materialized ? `${h(status.materialized.at)}${status.materialized.rows === null ? '' : `, ${h(status.materialized.rows.toLocaleString('en-GB'))} rows`} (run <code>${h(status.materialized.runId)}</code>)` : '<span class="never">never</span>'}</dd>`,
    '</dl>',
  ];
  if (checks.length) {
    parts.push(
      '<h3>Checks</h3><table class="checks"><thead><tr><th>check</th><th>severity</th><th>latest result</th><th>SQL (counts violating rows)</th></tr></thead><tbody>',
      ...checks.map((c) => {
        const result = input.state.checks.get(`${asset.key}|${c.name}`);
        const cell = result ? `<span class="${result.passed ? 'passed' : 'failed'}">${result.passed ? 'passed' : `failed (${h(result.failures)} rows)`}</span> <span class="muted">${h(result.at.slice(0, 19))}</span>` : '<span class="never">not evaluated</span>';
        return `<tr data-check="${h(c.name)}"><td><code>${h(c.name)}</code></td><td class="${h(c.severity)}">${h(c.severity)}</td><td class="result">${cell}</td><td><code>${h(c.sql)}</code></td></tr>`;
      }),
      '</tbody></table>',
    );
  }
  if (columnNames.length) {
    const types = new Map(physical?.map((c) => [c.name, c.type]) ?? []);
    const byName = new Map(lineage?.columns.map((c) => [c.column, c]) ?? []);
    parts.push(
      `<h3>Columns${relation ? ` of <code>${h(relation)}</code>` : ''}</h3><table class="columns"><thead><tr><th>column</th><th>type</th>${lineage ? '<th>how</th><th>comes from</th>' : ''}</tr></thead><tbody>`,
      ...columnNames.map((name) => {
        const derived = byName.get(name);
        return `<tr><td><code>${h(name)}</code></td><td>${h(types.get(name) ?? '')}</td>${lineage ? `<td>${h(derived?.transform ?? '')}</td><td>${sourcesCell(derived, known)}</td>` : ''}</tr>`;
      }),
      '</tbody></table>',
    );
  }
  if (sql) parts.push('<h3>SQL</h3>', `<pre><code>${h(sql.trim())}</code></pre>`);
  parts.push('</section>');
  return parts.join('\n');
}

export function renderDocsPage(input: DocsInput): string {
  const known = new Set(input.graph.assets.map((a) => a.key));
  const svg = assetGraphSvg(input.graph.assets, (a) => statusOf(input, a), anchorOf);
  const rows = input.graph.assets.map((a) => {
    const s = statusOf(input, a);
    const checks = input.graph.checks.filter((c) => c.asset === a.key);
    const failed = checks.filter((c) => input.state.checks.get(`${a.key}|${c.name}`)?.passed === false).length;
    const materialized = input.state.assets.get(a.key)?.materialized;
    return `<tr><td>${link(a.key, known)}</td><td>${h(a.kind)}</td><td class="${h(s.cssClass)}">${h(s.cssClass === 'never' ? 'never run' : s.cssClass)}</td><td>${h(materialized?.at.slice(0, 19) ?? '')}</td><td>${checks.length}${failed ? ` <span class="failed">(${failed} failing)</span>` : ''}</td></tr>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Strata assets</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>Strata assets</h1>',
    `<p class="muted">${input.graph.assets.length} assets, ${input.graph.checks.length} checks. Generated ${h(input.generatedAt.toISOString())} ${input.warehouse ? `from the event log of <code>${h(input.warehouse)}</code>` : '(no warehouse yet: statuses are empty)'}.</p>`,
    '</header>',
    '<h2 id="graph">Graph</h2>',
    `<div class="graph">${svg}</div>`,
    '<h2 id="summary">Summary</h2>',
    '<table class="summary"><thead><tr><th>asset</th><th>kind</th><th>latest</th><th>materialised</th><th>checks</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
    ...input.graph.assets.map((a) => assetSection(input, a, known)),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
