import type { Command } from 'commander';
import { StrataError } from '../../../shared/index.js';
import { contextOf, withReadOnlyWarehouse } from '../../context.js';
import { table } from '../../output.js';

const READ_ONLY_KINDS = new Set(['SELECT', 'EXPLAIN']);

export function register(program: Command): void {
  program
    .command('query')
    .description('run one read-only SQL query against the warehouse (writes and file access are refused)')
    .argument('<sql>', 'a SELECT statement, e.g. "SELECT * FROM gold.mart_daily_sales LIMIT 5"')
    .option('--limit <n>', 'most rows to return', (v) => Number.parseInt(v, 10), 1000)
    .action(async (sql: string, options: { limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const limit = Number.isFinite(options.limit) && options.limit > 0 ? Math.min(options.limit, 1_000_000) : 1000;
      const started = performance.now();
      const result = await withReadOnlyWarehouse(ctx, async (w) => {
        const kinds = await w.statementKinds(sql);
        if (kinds.length !== 1) throw new StrataError('STRATA_ERR_QUERY_NOT_READ_ONLY', `expected exactly one statement, got ${kinds.length}`);
        if (!READ_ONLY_KINDS.has(kinds[0]!)) {
          throw new StrataError('STRATA_ERR_QUERY_NOT_READ_ONLY', `only SELECT queries are allowed here; this is a ${kinds[0]} statement`);
        }
        const body = sql.trim().replace(/;\s*$/, '');
        const rows = kinds[0] === 'EXPLAIN' ? await w.query(body) : await w.query(`SELECT * FROM (${body}) AS query LIMIT ${limit + 1}`);
        return { rows: rows.slice(0, limit), truncated: rows.length > limit };
      });
      const ms = Math.round(performance.now() - started);
      ctx.out.result({ ...result, row_count: result.rows.length, duration_ms: ms }, () => {
        const columns = Object.keys(result.rows[0] ?? {});
        const body = columns.length ? table(columns, result.rows.map((r) => columns.map((c) => (typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c])))) : '(no rows)';
        return `${body}\n${result.rows.length} row(s)${result.truncated ? ` (first ${limit}; use --limit)` : ''} in ${ms} ms`;
      });
    });
}
