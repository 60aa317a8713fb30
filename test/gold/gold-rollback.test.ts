/** A gold build whose `error` check fails leaves the previous gold in place and the failure on record. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGoldModels, type Model } from '../../src/pipeline/index.js';
import { buildGold } from '../../src/pipeline/steps/gold-step.js';
import { modelsDir } from '../../src/shared/index.js';
import { runInProcess, type InProcessRun } from '../pipeline/run-in-process.js';
import { FIXTURE } from './fixture.js';

let run: InProcessRun;
const realModels = loadGoldModels(path.join(modelsDir(), 'gold'));

/** The real models, with mart_daily_sales rebuilt empty and held to a check of the given severity that every row fails. */
function withFailingCheck(severity: 'error' | 'warn'): Model[] {
  return realModels.map((m) =>
    m.name === 'mart_daily_sales'
      ? { ...m, sql: `SELECT * FROM (${m.sql}) WHERE lines > 0`, checks: [...m.checks, { kind: 'expression', name: 'always_fails', violation: 'true', severity }] }
      : m,
  );
}

const dailyRows = async (): Promise<number> =>
  (await run.warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM gold.mart_daily_sales'))[0]!.n;

const recorded = (runId: string) =>
  run.warehouse.query<{ target: string; rule_id: string; severity: string; rows_failed: string; passed: boolean }>(
    `SELECT target, rule_id, severity, rows_failed::VARCHAR AS rows_failed, passed FROM quality.check_results
     WHERE run_id = $run_id AND rule_id = 'always_fails'`,
    { run_id: runId },
  );

beforeAll(async () => {
  run = await runInProcess(FIXTURE);
});
afterAll(() => run.close());

describe('a gold build with a failing check', () => {
  it('rolls every model back when an error check fails, and records the failure', async () => {
    expect(await dailyRows()).toBe(42);
    const [before] = await run.warehouse.query('SELECT sum(line_total_gbp)::VARCHAR AS revenue, count(*)::INTEGER AS lines FROM gold.fact_sales');

    await expect(buildGold(run.warehouse, 'run_rollback', withFailingCheck('error'))).rejects.toMatchObject({ code: 'STRATA_ERR_MODEL_CHECK' });

    expect(await dailyRows()).toBe(42);
    expect(await run.warehouse.query('SELECT sum(line_total_gbp)::VARCHAR AS revenue, count(*)::INTEGER AS lines FROM gold.fact_sales')).toEqual([before]);
    expect(await recorded('run_rollback')).toEqual([
      { target: 'gold.mart_daily_sales', rule_id: 'always_fails', severity: 'error', rows_failed: '6', passed: false },
    ]);
  });

  it('keeps the new build when only a warn check fails, recording the warning', async () => {
    const result = await buildGold(run.warehouse, 'run_warn', withFailingCheck('warn'));
    expect(result.models.map((m) => m.name)).toContain('mart_daily_sales');
    expect(await dailyRows()).toBe(6);
    expect(await recorded('run_warn')).toEqual([
      { target: 'gold.mart_daily_sales', rule_id: 'always_fails', severity: 'warn', rows_failed: '6', passed: false },
    ]);
  });
});
