/**
 * Builds the dashboard into web/dist, which `strata serve` serves. ECharts and each page are
 * separate chunks loaded on demand, so the first load stays small (budget: 400 KB gzipped).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: './',
  plugins: [react()],
  build: {
    // web/dist: where `strata serve` looks for the dashboard (src/cli/commands/serve).
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The manifest lets the budget test (test/web) measure exactly what the first load pulls in.
    manifest: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        manualChunks(id) {
          // ECharts is left to Rollup: the parts the Overview needs and the extras other views
          // load later (charts/echarts-extras.ts) end up in separate chunks.
          if (id.includes('node_modules/react') || id.includes('node_modules/scheduler')) return 'react';
          return undefined;
        },
      },
    },
  },
  server: {
    // `npm run dev:web` against a running `strata serve` on the default port.
    proxy: { '/api': 'http://127.0.0.1:8080', '/openapi.json': 'http://127.0.0.1:8080' },
  },
});
