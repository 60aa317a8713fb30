/**
 * `npm run bench:web`: the dashboard's budgets, measured. Bundle sizes from the built files
 * (web/dist), then the real server over the demo data and Debian's Chromium on loopback: the time
 * from navigation to the Overview's charts being drawn, read from the browser's Performance API,
 * for a first visit (nothing cached) and for returning visits (median of several).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  chromiumPath,
  launchBrowser,
  measureBundle,
  overviewDrawMs,
  settled,
  signIn,
  startStrata,
  webDist,
} from '../test/web/harness.js';

const BUNDLE_BUDGET_BYTES = 400 * 1024;
const DRAW_BUDGET_MS = 1500;
const RUNS = 7;

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
const verdict = (ok: boolean): string => (ok ? 'within budget' : 'OVER BUDGET');

async function main(): Promise<void> {
  if (!existsSync(path.join(webDist, 'index.html'))) throw new Error(`${webDist} is not built: run \`npm run build\``);
  const bundle = measureBundle();
  console.log('dashboard bundle (gzipped)');
  console.log(`  initial load (index.html, entry, React, CSS): ${kb(bundle.initialGzip)}  ${verdict(bundle.initialGzip < BUNDLE_BUDGET_BYTES)} (< ${kb(BUNDLE_BUDGET_BYTES)})`);
  console.log(`  first visit to the Overview (+ page, ECharts): ${kb(bundle.overviewGzip)}  ${verdict(bundle.overviewGzip < BUNDLE_BUDGET_BYTES)}`);
  for (const file of bundle.files.slice(0, 6)) console.log(`    ${file.file.padEnd(40)} ${kb(file.gzip).padStart(9)}${file.initial ? '  (initial)' : ''}`);

  const executable = chromiumPath();
  if (!executable) {
    process.exitCode = 1;
    return;
  }
  console.log('\nloading the demo data and starting `strata serve` ...');
  const strata = await startStrata();
  const browser = await launchBrowser(executable);
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await signIn(page, strata.appUrl, 'viewer');
    await settled(page);
    // A load that must first ask for the data's date range (nothing remembered in the browser):
    // one more round trip before the Overview can ask for its figures.
    const fresh = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const first = await fresh.newPage();
    await signIn(first, strata.appUrl, 'viewer');
    await first.evaluate(`localStorage.removeItem('strata.data-bounds')`);
    const firstVisit = await overviewDrawMs(first, strata.appUrl);
    await fresh.close();

    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await overviewDrawMs(page, strata.appUrl));
    const sorted = [...runs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`\nOverview charts drawn after navigation (loopback, Performance API mark 'strata:overview-drawn')`);
    console.log(`  load with no remembered date range: ${Math.round(firstVisit)} ms  ${verdict(firstVisit < DRAW_BUDGET_MS)}`);
    console.log(`  returning visits (${RUNS} loads): median ${Math.round(median)} ms, min ${Math.round(sorted[0]!)} ms, max ${Math.round(sorted[sorted.length - 1]!)} ms  ${verdict(median < DRAW_BUDGET_MS)} (< ${DRAW_BUDGET_MS} ms)`);
    if (median >= DRAW_BUDGET_MS || bundle.initialGzip >= BUNDLE_BUDGET_BYTES) process.exitCode = 1;
  } finally {
    await browser.close();
    await strata.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
