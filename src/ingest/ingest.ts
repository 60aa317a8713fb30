/**
 * `strata ingest`: files and folders -> bronze, one batch per file. A file whose content is
 * already loaded is a no-op; a file that cannot be used is reported with file, line and column
 * and leaves the warehouse as it was. Files sharing a header shape load in one engine scan.
 */
import { stat, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Warehouse } from '../engine/index.js';
import { StrataError } from '../shared/index.js';
import { batchIdFor, loadGroup, type DateOrder, type LoadedBatch } from './bronze-load.js';
import { discoverFiles, type InputFile } from './discover.js';
import { prepareFile, type PreparedFile } from './prepare-file.js';
import { ingestThroughStaging } from './staged-ingest.js';

export interface IngestOptions {
  readonly runId: string;
  readonly stagingDir: string;
  readonly maxLineBytes: number;
  readonly concurrency: number;
  readonly defaultDateOrder: 'mdy' | 'dmy';
  readonly dateOrder?: DateOrder | undefined;
}

export type FileOutcome =
  | { readonly status: 'loaded'; readonly file: string; readonly batch: LoadedBatch }
  | { readonly status: 'skipped'; readonly file: string; readonly batchId: string; readonly reason: string }
  | { readonly status: 'failed'; readonly file: string; readonly error: StrataError };

export interface IngestReport {
  readonly files: readonly FileOutcome[];
  readonly loaded: number;
  readonly skipped: number;
  readonly failed: number;
  readonly rowsIn: number;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function ingestPaths(warehouse: Warehouse, targets: readonly string[], options: IngestOptions): Promise<IngestReport> {
  if (warehouse.dialect !== 'duckdb') return ingestThroughStaging(warehouse, targets, options, ingestInto);
  return ingestInto(warehouse, warehouse, targets, options);
}

/**
 * `catalog` is where loaded batches are looked up and failures recorded; `engine` is the DuckDB
 * that reads the files into its bronze (the same warehouse, or a staging one for PostgreSQL).
 */
async function ingestInto(catalog: Warehouse, engine: Warehouse, targets: readonly string[], options: IngestOptions): Promise<IngestReport> {
  const warehouse = engine;
  const inputs: InputFile[] = targets.flatMap((target) => [...discoverFiles(target)]);
  const prepared = await mapLimit(inputs, options.concurrency, (input) => prepareFile(input, options));
  const outcomes = new Map<InputFile, FileOutcome>();
  const ready: PreparedFile[] = [];

  const hashes = prepared.flatMap((p) => (p.ok ? [p.file.contentHash] : []));
  const known = new Map(
    (hashes.length
      ? await catalog.query<{ content_hash: string; batch_id: string; file_path: string }>(
          'SELECT content_hash, batch_id, file_path FROM bronze.batches WHERE content_hash IN (SELECT unnest($hashes))',
          { hashes },
        )
      : []
    ).map((row) => [row.content_hash, row]),
  );
  const seenThisRun = new Map<string, PreparedFile>();
  for (const result of prepared) {
    if (!result.ok) {
      outcomes.set(result.input, { status: 'failed', file: result.input.displayPath, error: result.error });
      continue;
    }
    const { file } = result;
    const previous = known.get(file.contentHash);
    const twin = seenThisRun.get(file.contentHash);
    if (previous) {
      outcomes.set(file.input, { status: 'skipped', file: file.input.displayPath, batchId: previous.batch_id, reason: `already loaded (same content as ${previous.file_path})` });
    } else if (twin) {
      outcomes.set(file.input, { status: 'skipped', file: file.input.displayPath, batchId: batchIdFor(file.contentHash), reason: `same content as ${twin.input.displayPath}` });
    } else {
      seenThisRun.set(file.contentHash, file);
      ready.push(file);
    }
  }

  const groups = new Map<string, PreparedFile[]>();
  for (const file of ready) groups.set(file.groupKey, [...(groups.get(file.groupKey) ?? []), file]);
  try {
    for (const group of groups.values()) await loadGroupOrEachFile(warehouse, group, options, outcomes);
  } finally {
    const converted = prepared.flatMap((p) => (p.ok && p.file.convertedFrom ? [p.file.readPath] : []));
    await Promise.all(converted.map((file) => rm(file, { force: true })));
  }
  await recordFailures(catalog, options.runId, [...outcomes.values()]);

  const files = inputs.map((input) => outcomes.get(input)!);
  return {
    files,
    loaded: files.filter((f) => f.status === 'loaded').length,
    skipped: files.filter((f) => f.status === 'skipped').length,
    failed: files.filter((f) => f.status === 'failed').length,
    rowsIn: files.reduce((sum, f) => sum + (f.status === 'loaded' ? f.batch.rowsIn : 0), 0),
  };
}

async function loadGroupOrEachFile(warehouse: Warehouse, group: readonly PreparedFile[], options: IngestOptions, outcomes: Map<InputFile, FileOutcome>): Promise<void> {
  const fail = (file: PreparedFile, error: unknown): void => {
    outcomes.set(file.input, { status: 'failed', file: file.input.displayPath, error: asFileError(error, file) });
  };
  try {
    for (const batch of await loadAtomically(warehouse, group, options)) {
      outcomes.set(batch.file.input, { status: 'loaded', file: batch.file.input.displayPath, batch });
    }
  } catch (groupError) {
    if (group.length === 1) {
      fail(group[0]!, groupError);
      return;
    }
    // Isolate the file that broke the shared scan; the others still load.
    for (const file of group) {
      try {
        const [batch] = await loadAtomically(warehouse, [file], options);
        outcomes.set(file.input, { status: 'loaded', file: file.input.displayPath, batch: batch! });
      } catch (error) {
        fail(file, error);
      }
    }
  }
}

async function loadAtomically(warehouse: Warehouse, files: readonly PreparedFile[], options: IngestOptions): Promise<LoadedBatch[]> {
  return warehouse.transaction(async (tx) => {
    const loadOptions = { ...options, dateOrderOverride: options.dateOrder };
    // A file that changed while the engine read it would leave bronze inconsistent with its
    // hash; when the load failed, that change is the reason to report.
    const batches = await loadGroup(tx, files, loadOptions).catch(async (error: unknown) => {
      await assertUnchanged(files);
      throw error;
    });
    await assertUnchanged(files);
    return batches;
  });
}

async function assertUnchanged(files: readonly PreparedFile[]): Promise<void> {
  for (const file of files) {
    const now = await stat(file.input.path).catch(() => null);
    if (!now || now.size !== file.inputStat.size || now.mtimeMs !== file.inputStat.mtimeMs) {
      const what = now ? 'the file changed while it was being loaded' : 'the file vanished while it was being loaded';
      throw new StrataError('STRATA_ERR_FILE_UNREADABLE', what, { location: { file: file.input.displayPath } });
    }
  }
}

function asFileError(error: unknown, file: PreparedFile): StrataError {
  if (error instanceof StrataError && error.code !== 'STRATA_ERR_ENGINE') return error;
  const message = error instanceof Error ? error.message : String(error);
  const vanished = /No files found|No such file|cannot open file/i.test(message);
  // No line from the engine's message: it counts records, not the physical lines people see.
  return new StrataError(
    'STRATA_ERR_FILE_UNREADABLE',
    vanished ? 'the file vanished while it was being loaded' : `the file could not be loaded: ${message.split('\n')[0]}`,
    { cause: error, location: { file: file.input.displayPath } },
  );
}

async function recordFailures(warehouse: Warehouse, runId: string, outcomes: readonly FileOutcome[]): Promise<void> {
  const failed = outcomes.filter((o): o is Extract<FileOutcome, { status: 'failed' }> => o.status === 'failed');
  if (!failed.length) return;
  await warehouse.execute(
    `INSERT INTO meta.file_errors
     SELECT $run_id, unnest($files), unnest($codes), unnest($lines)::BIGINT, unnest($columns), unnest($messages), now()`,
    {
      run_id: runId,
      files: failed.map((f) => path.resolve(f.file)),
      codes: failed.map((f) => f.error.code),
      lines: failed.map((f) => (f.error.location?.line === undefined ? '' : String(f.error.location.line))).map((l) => l || '0'),
      columns: failed.map((f) => (f.error.location?.column === undefined ? '' : String(f.error.location.column))),
      messages: failed.map((f) => f.error.message),
    },
  );
}
