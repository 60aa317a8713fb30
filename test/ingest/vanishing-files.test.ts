/**
 * Files can disappear or change while Strata works on them (a sync client, a shop re-exporting
 * a day). Each such file is reported by name and nothing of it is loaded; the other files still
 * load. The moment between preflight and load is reached by deleting the file when ingest looks
 * up which contents are already loaded, the step between the two.
 */
import { appendFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openWarehouse, type Warehouse } from '../../src/engine/index.js';
import { discoverFiles, ingestPaths, type IngestReport } from '../../src/ingest/index.js';
import { prepareFile } from '../../src/ingest/prepare-file.js';
import { HEADER, csvText, row, workspace, type Workspace } from './fixtures.js';

let ws: Workspace;
let warehouse: Warehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
  ws?.cleanup();
});

async function openFreshWarehouse(): Promise<Warehouse> {
  warehouse = await openWarehouse({ path: path.join(ws.dataDir, 'strata.duckdb'), threads: 1 });
  await migrate(warehouse);
  return warehouse;
}

/** Runs `act` once, right after preflight, when ingest asks which contents are already loaded. */
function afterPreflight(inner: Warehouse, act: () => void): Warehouse {
  let done = false;
  return {
    ...inner,
    query: (sql, params) => {
      if (!done && sql.includes('FROM bronze.batches WHERE content_hash')) {
        done = true;
        act();
      }
      return inner.query(sql, params);
    },
  };
}

const options = (dataDir: string) => ({ runId: 'run_test', stagingDir: path.join(dataDir, 'staging'), maxLineBytes: 1 << 20, concurrency: 2, defaultDateOrder: 'mdy' as const });

function writeDays(): string[] {
  return [1, 2, 3].map((day) => ws.write(`day-${day}.csv`, csvText([HEADER, row(day * 10 + 1), row(day * 10 + 2)])));
}

const statuses = (report: IngestReport) => report.files.map((f) => [path.basename(f.file), f.status]);

describe('files that vanish or change while they are read', () => {
  it('reports a file deleted after discovery, before preflight, by name', async () => {
    ws = workspace();
    const [file] = writeDays();
    const [input] = discoverFiles(file!);
    rmSync(file!);

    const result = await prepareFile(input!, { stagingDir: path.join(ws.dataDir, 'staging'), maxLineBytes: 1 << 20 });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'STRATA_ERR_FILE_UNREADABLE', message: 'the file vanished before it could be read', location: { file } });
  });

  it('reports a file deleted between preflight and load and still loads the others', async () => {
    ws = workspace();
    const files = writeDays();
    const inner = await openFreshWarehouse();

    const report = await ingestPaths(afterPreflight(inner, () => rmSync(files[1]!)), [ws.inputDir], options(ws.dataDir));

    expect(statuses(report)).toEqual([
      ['day-1.csv', 'loaded'],
      ['day-2.csv', 'failed'],
      ['day-3.csv', 'loaded'],
    ]);
    const failed = report.files[1]!;
    expect(failed.status === 'failed' && failed.error).toMatchObject({ code: 'STRATA_ERR_FILE_UNREADABLE', message: 'the file vanished while it was being loaded', location: { file: files[1] } });
    const bronze = await inner.query<{ file: string; n: number }>('SELECT _file AS file, count(*)::INTEGER AS n FROM bronze.transactions_raw GROUP BY 1 ORDER BY 1');
    expect(bronze).toEqual([
      { file: files[0], n: 2 },
      { file: files[2], n: 2 },
    ]);
    const recorded = await inner.query<{ code: string; file: string }>('SELECT code, file_path AS file FROM meta.file_errors');
    expect(recorded).toEqual([{ code: 'STRATA_ERR_FILE_UNREADABLE', file: files[1] }]);
  });

  it('refuses a file that changed between preflight and load, since its content no longer matches its hash', async () => {
    ws = workspace();
    const files = writeDays();
    const inner = await openFreshWarehouse();

    const report = await ingestPaths(afterPreflight(inner, () => appendFileSync(files[2]!, `${row(99)}\n`)), [ws.inputDir], options(ws.dataDir));

    expect(statuses(report)).toEqual([
      ['day-1.csv', 'loaded'],
      ['day-2.csv', 'loaded'],
      ['day-3.csv', 'failed'],
    ]);
    const failed = report.files[2]!;
    expect(failed.status === 'failed' && failed.error).toMatchObject({ code: 'STRATA_ERR_FILE_UNREADABLE', message: 'the file changed while it was being loaded', location: { file: files[2] } });
    const batches = await inner.query<{ file: string }>('SELECT file_path AS file FROM bronze.batches ORDER BY 1');
    expect(batches).toEqual([{ file: files[0] }, { file: files[1] }]);
  });
});
