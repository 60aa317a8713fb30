import type { Command } from 'commander';
import { generateRetailData } from '../../../generate/index.js';
import { StrataError } from '../../../shared/index.js';
import { contextOf } from '../../context.js';

export function register(program: Command): void {
  program
    .command('generate')
    .description('write synthetic daily retail CSV files with real-world dirt, for tests and benchmarks')
    .requiredOption('--rows <n>', 'total data rows, e.g. 1000000')
    .requiredOption('--out <dir>', 'folder to write YYYY-MM-DD.csv files into')
    .option('--seed <n>', 'seed (same seed, same files)', '42')
    .option('--rows-per-day <n>', 'rows per daily file', '1800')
    .action(async (options: { rows: string; out: string; seed: string; rowsPerDay: string }, command: Command) => {
      const ctx = contextOf(command);
      const rows = Number(options.rows.replaceAll('_', ''));
      const seed = Number(options.seed);
      const rowsPerDay = Number(options.rowsPerDay);
      for (const [name, value] of [['--rows', rows], ['--seed', seed], ['--rows-per-day', rowsPerDay]] as const) {
        if (!Number.isSafeInteger(value) || value < (name === '--seed' ? 0 : 1)) throw new StrataError('STRATA_ERR_USAGE', `${name} must be a whole number`);
      }
      const started = performance.now();
      const summary = await generateRetailData({ rows, seed, outDir: options.out, rowsPerDay });
      const seconds = (performance.now() - started) / 1000;
      ctx.out.result({ ...summary, files: summary.files.length, seconds }, () =>
        `wrote ${summary.rows.toLocaleString('en-GB')} rows in ${summary.files.length} files (${(summary.bytes / 1e6).toFixed(1)} MB) to ${options.out} in ${seconds.toFixed(1)} s`,
      );
    });
}
