/**
 * The dashboard's size budget, measured on the built files (web/dist, from `npm run build`):
 * what the first load pulls in stays under 400 KB gzipped, ECharts and the pages being split
 * out. Even a first visit to the Overview, ECharts included, fits the budget.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureBundle, webDist } from './harness.js';

const BUDGET_BYTES = 400 * 1024;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

describe('dashboard bundle budget', () => {
  it('is built (npm run build runs vite into web/dist)', () => {
    expect(existsSync(path.join(webDist, 'index.html')), `${webDist}/index.html`).toBe(true);
  });

  it('loads under 400 KB of gzipped JavaScript and CSS initially, and for the whole Overview', () => {
    const report = measureBundle();
    console.log(
      `dashboard bundle (gzipped): initial ${kb(report.initialGzip)}, Overview first visit ${kb(report.overviewGzip)}; largest: ${report.files
        .slice(0, 4)
        .map((f) => `${f.file} ${kb(f.gzip)}`)
        .join(', ')}`,
    );
    expect(report.initialGzip).toBeLessThan(BUDGET_BYTES);
    expect(report.overviewGzip).toBeLessThan(BUDGET_BYTES);
  });

  it('keeps ECharts and every page out of the initial load', () => {
    const report = measureBundle();
    const initial = report.files.filter((f) => f.initial).map((f) => f.file);
    expect(report.chartFiles.length).toBeGreaterThan(0);
    expect(initial.filter((f) => report.chartFiles.includes(f))).toEqual([]);
    expect(initial.filter((f) => /-page-/.test(f))).toEqual([]);
  });
});
