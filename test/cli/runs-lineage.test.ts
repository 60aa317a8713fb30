/** `strata runs`, `runs show`, `runs retry` and `lineage`, run as a user would. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../gold/fixture.js';
import { runCli, tempDir } from '../helpers/cli.js';

const scratch = tempDir('strata-runs-');
const dataDir = path.join(scratch.dir, 'data');
const input = path.join(scratch.dir, 'input');
let firstRunId: string;

beforeAll(async () => {
  mkdirSync(input);
  for (const [name, text] of Object.entries(FIXTURE)) writeFileSync(path.join(input, name), text);
  const first = await runCli(['--json', 'run', input], { dataDir });
  expect(first.code, first.stderr).toBe(0);
  firstRunId = first.json.run_id;
});
afterAll(() => scratch.cleanup());

describe('strata runs', () => {
  it('lists runs from the event log', async () => {
    const result = await runCli(['--json', 'runs'], { dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toEqual([expect.objectContaining({ run_id: firstRunId, command: 'run', status: 'succeeded', error: null })]);
  });

  it('shows the steps, attempts, rows and checks of one run', async () => {
    const result = await runCli(['runs', 'show', firstRunId], { dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${firstRunId} (run): succeeded`);
    expect(result.stdout).toMatch(/gold\.fact_sales\s*│\s*succeeded\s*│\s*1\s*│\s*10/);
    expect(result.stdout).toContain('unique(batch_id, source_line)');
  });

  it('retries a run: the same request again, with nothing left to do', async () => {
    const result = await runCli(['--json', 'runs', 'retry', firstRunId], { dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.status).toBe('succeeded');
    expect(result.json.files.every((f: { status: string }) => f.status === 'skipped')).toBe(true);
    expect(result.json.gold).toBeNull();
    const shown = await runCli(['--json', 'runs', 'show', result.json.run_id], { dataDir });
    expect(shown.json).toMatchObject({ command: 'run (retry)', retry_of: firstRunId, status: 'succeeded' });
  });

  it('names an unknown run with a clear error', async () => {
    const result = await runCli(['runs', 'show', 'run_nope'], { dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('STRATA_ERR_NOT_FOUND');
  });
});

describe('strata lineage', () => {
  it('prints the whole asset graph as JSON, with checks per asset', async () => {
    const result = await runCli(['lineage', '--format', 'json'], { dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json.assets[0]).toMatchObject({ key: 'ingest', partitioning: 'day', deps: [] });
    expect(result.json.edges).toContainEqual({ from: 'gold.fact_sales', to: 'gold.mart_daily_sales' });
    expect(result.json.edges).toContainEqual({ from: 'quality_silver', to: 'gold.dim_date' });
    expect(result.json.assets.find((a: { key: string }) => a.key === 'gold.fact_sales').checks.length).toBeGreaterThan(5);
  });

  it('draws the graph around one asset as Mermaid', async () => {
    const result = await runCli(['lineage', 'mart_daily_sales'], { dataDir });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('graph LR');
    expect(lines).toContain('  gold_fact_sales --> gold_mart_daily_sales');
    expect(lines).toContain('  ingest --> quality_silver');
    expect(result.stdout).not.toContain('mart_customer_rfm');
  });
});
