/** `strata docs` through the real CLI: the page is written, names every asset and check, holds the run's status, and is sound HTML that Chromium opens offline. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../../gold/fixture.js';
import { runCli, tempDir } from '../../helpers/cli.js';
import { chromiumPath, launchBrowser } from '../../web/harness.js';

const scratch = tempDir('strata-docs-');
const dataDir = path.join(scratch.dir, 'data');
const out = path.join(scratch.dir, 'site');
const SOURCES = { STRATA_HTTP_SOURCES: JSON.stringify({ shop: { url: 'https://shop.example/api/transactions' } }) };
let html = '';
let lineage: { assets: { key: string; checks: { name: string; severity: string }[] }[] };

beforeAll(async () => {
  const input = path.join(scratch.dir, 'input');
  mkdirSync(input);
  for (const [name, text] of Object.entries(FIXTURE)) writeFileSync(path.join(input, name), text);
  const run = await runCli(['run', input], { dataDir });
  expect(run.code, run.stderr).toBe(0);
  const docs = await runCli(['--json', 'docs', '--out', out], { dataDir, env: SOURCES });
  expect(docs.code, docs.stderr).toBe(0);
  expect(docs.json.file).toBe(path.join(out, 'index.html'));
  html = readFileSync(docs.json.file, 'utf8');
  lineage = (await runCli(['lineage', '--format', 'json'], { dataDir, env: SOURCES })).json;
});
afterAll(() => scratch.cleanup());

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'wbr', 'col', 'source']);

/** Every element closed in order (SVG's self-closing ones aside), every attribute quoted. */
function unbalancedTags(text: string): string[] {
  const stack: string[] = [];
  const problems: string[] = [];
  const body = text.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<!doctype html>/i, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (selfClosing || VOID.has(name) && !closing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`</${name}> at ${m.index}`);
  }
  return [...problems, ...stack.map((s) => `<${s}> never closed`)];
}

describe('strata docs', () => {
  it('describes every asset and every check, with its severity', () => {
    expect(lineage.assets.map((a) => a.key)).toContain('http.shop');
    for (const asset of lineage.assets) {
      expect(html).toContain(`data-asset="${asset.key}"`);
      for (const check of asset.checks) expect(html, `${asset.key} ${check.name}`).toMatch(new RegExp(`data-check="${check.name.replace(/[()[\].*+?^$|\\]/g, '\\$&').replace(/>/g, '&gt;')}"><td><code>[^<]*</code></td><td class="${check.severity}">`));
    }
    expect(html).toContain('SELECT count(*)::INTEGER AS n FROM gold.fact_sales');
    expect(html).toContain('FROM silver.transactions AS s'); // fact_sales' SQL
  });

  it('shows the latest status and materialisation from the event log, and the column lineage', () => {
    const section = html.slice(html.indexOf('<section id="asset-gold-fact_sales"'), html.indexOf('</section>', html.indexOf('<section id="asset-gold-fact_sales"')));
    expect(section).toContain('<span class="badge succeeded">succeeded</span>');
    expect(section).toMatch(/<dd class="materialized">\d{4}-\d{2}-\d{2} [\d:.]+, 10 rows/);
    expect(section).toContain('<span class="passed">passed</span>');
    expect(section).toMatch(/<td><code>country_key<\/code><\/td><td>INTEGER<\/td><td>copy<\/td><td><a href="#asset-gold-dim_country">gold.dim_country<\/a>.<code>country_key<\/code><\/td>/);
    expect(html).toMatch(/<section id="asset-http-shop"[\s\S]*?never run/);
  });

  it('is self-contained, sound HTML', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link |src=|url\(http|@import/i);
    expect(unbalancedTags(html)).toEqual([]);
  });

  const chromium = chromiumPath();
  it.skipIf(!chromium)('opens offline in Chromium: one section and one graph node per asset, nothing fetched', async () => {
    const browser = await launchBrowser(chromium!);
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${path.join(out, 'index.html')}`);
      // Evaluated in the page (a string: the test's own types have no DOM).
      const seen = (await page.evaluate(`({
        sections: document.querySelectorAll('section.asset').length,
        nodes: document.querySelectorAll('svg a.node').length,
        edges: document.querySelectorAll('svg path.edge').length,
        svgWidth: document.querySelector('svg').getBoundingClientRect().width,
        svgParses: !new DOMParser().parseFromString(document.querySelector('svg').outerHTML, 'image/svg+xml').querySelector('parsererror'),
      })`)) as { sections: number; nodes: number; edges: number; svgWidth: number; svgParses: boolean };
      expect(seen).toMatchObject({ sections: lineage.assets.length, nodes: lineage.assets.length, svgParses: true });
      expect(seen.edges).toBeGreaterThan(lineage.assets.length);
      expect(seen.svgWidth).toBeGreaterThan(500);
      expect(requests).toEqual([`file://${path.join(out, 'index.html')}`]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('writes a page before any run too, every asset never run', async () => {
    const empty = path.join(scratch.dir, 'empty');
    const result = await runCli(['docs', '--out', empty], { dataDir: path.join(scratch.dir, 'nothing') });
    expect(result.code, result.stderr).toBe(0);
    const page = readFileSync(path.join(empty, 'index.html'), 'utf8');
    expect(existsSync(path.join(scratch.dir, 'nothing', 'strata.duckdb'))).toBe(false);
    expect(page).toContain('(no warehouse yet: statuses are empty)');
    expect(page).not.toContain('badge succeeded');
  });
});
