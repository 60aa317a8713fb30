/** The bundled demo data is the real data set, and generated data goes through the same path. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDataDir, realDataDir, runCli, tempDir } from '../helpers/cli.js';

const scratch = tempDir('strata-demo-');
afterAll(() => scratch.cleanup());

describe('the bundled demo data', () => {
  it('is the 305 real daily files, byte for byte', () => {
    const demo = readdirSync(demoDataDir).filter((f) => f.endsWith('.csv.gz')).sort();
    expect(demo).toHaveLength(305);
    expect(existsSync(realDataDir), `real data expected at ${realDataDir}`).toBe(true);
    let lines = 0;
    for (const file of demo) {
      const content = gunzipSync(readFileSync(path.join(demoDataDir, file)));
      const original = readFileSync(path.join(realDataDir, file.replace(/\.gz$/, '')));
      expect(createHash('sha256').update(content).digest('hex'), file).toBe(createHash('sha256').update(original).digest('hex'));
      lines += content.toString('utf8').trimEnd().split('\n').length - 1;
    }
    expect(lines).toBe(541_909);
  });

  it('keeps its attribution (CC BY 4.0)', () => {
    expect(readFileSync(path.join(demoDataDir, 'SOURCE.md'), 'utf8')).toMatch(/CC BY 4\.0/);
  });

  it('loads a gzipped day and the same day uncompressed as one batch', async () => {
    const dataDir = path.join(scratch.dir, 'gz');
    const first = await runCli(['--json', 'run', path.join(demoDataDir, '2010-12-01.csv.gz')], { dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.totals.rows_in).toBe(3108);
    const second = await runCli(['--json', 'run', path.join(realDataDir, '2010-12-01.csv')], { dataDir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.files[0]).toMatchObject({ status: 'skipped', batch_id: first.json.files[0].batch_id });
  });
});

describe('strata generate', () => {
  it('writes the same files for the same seed, and they run with the accounts adding up', async () => {
    const out = path.join(scratch.dir, 'gen');
    const gen = await runCli(['--json', 'generate', '--rows', '20000', '--seed', '11', '--out', out], { dataDir: scratch.dir });
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.json.rows).toBe(20_000);
    const again = path.join(scratch.dir, 'gen-again');
    mkdirSync(again);
    const second = await runCli(['generate', '--rows', '20000', '--seed', '11', '--out', again], { dataDir: scratch.dir });
    expect(second.code, second.stderr).toBe(0);
    for (const file of readdirSync(out)) expect(readFileSync(path.join(again, file)).equals(readFileSync(path.join(out, file))), file).toBe(true);

    const run = await runCli(['--json', 'run', out], { dataDir: path.join(scratch.dir, 'wh') });
    expect(run.code, run.stderr).toBe(0);
    const t = run.json.totals;
    expect(t.rows_in).toBe(20_000);
    expect(t.rows_to_silver + t.rows_quarantined + t.duplicates_removed).toBe(t.rows_in);
    expect(t.duplicates_removed).toBeGreaterThan(0);
    for (const b of run.json.batches) expect(b.rows_to_silver + b.rows_quarantined + b.duplicates_removed).toBe(b.rows_in);
    cpSync(out, path.join(scratch.dir, 'gen-copy'), { recursive: true });
  });

  it('rejects a bad row count with a usage error', async () => {
    const r = await runCli(['generate', '--rows', 'many', '--out', path.join(scratch.dir, 'x')], { dataDir: scratch.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rows must be a whole number/);
  });
});
