#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm run build`, run before start and test).
import('../dist/src/cli/main.js').catch((error) => {
  console.error(`strata: cannot start (${error?.message ?? error}). Run \`npm run build\` first.`);
  process.exit(70);
});
