/**
 * One engine read over a set of CSV sources that share a header shape, straight into bronze.
 * Lines the reader cannot split land in bronze too (with the raw text and the reader's error),
 * so the quality step quarantines them: nothing read is ever dropped. Every source's lines are
 * accounted for before anything is written (rows + newlines inside them + blank and rejected
 * lines = lines after the header). The engine can lose a bad last line of a file when it reads
 * several files at once, and its parallel reader can misplace rejects around quotes that span
 * lines, so a source that does not add up is left out and read again (read-sources.ts); one
 * that never adds up fails rather than load with guessed line numbers.
 */
import { open } from 'node:fs/promises';
import type { WarehouseSession } from '../engine/index.js';
import { StrataError } from '../shared/index.js';
import { innerNewlines, insertAccepted, insertRejected } from './bronze-insert.js';
import type { ColumnMapping } from './column-map.js';
import { linesAtBytePositions, type FileScan } from './file-scan.js';
import { placeRejects, type EngineReject, type PlacedReject } from './reject-placement.js';

/** A text the engine reads: an input file, or lines of one re-read on their own. */
export interface LoadSource {
  readonly readPath: string;
  readonly gzip: boolean;
  readonly scan: FileScan;
  readonly batchId: string;
  readonly displayPath: string;
  readonly source: string;
  /** Added to this text's line numbers to give the input file's. */
  readonly lineOffset: number;
}

export interface GroupShape {
  readonly header: readonly string[];
  readonly mapping: ColumnMapping;
  readonly delimiter: string;
  readonly encoding: 'utf-8' | 'latin-1';
  readonly maxLineBytes: number;
}

/** Lines of a source to read again on their own, in the source's numbering. */
export interface Swallowed {
  readonly source: LoadSource;
  readonly from: number;
  readonly to: number;
}

export interface PassResult {
  readonly swallowed: readonly Swallowed[];
  /** Sources left out of this pass because their lines did not add up. */
  readonly readAlone: readonly LoadSource[];
}

const DELIMITERS: Readonly<Record<string, string>> = { ',': ',', ';': ';', '\t': '\\t', '|': '|' };
const RECORD_PREVIEW_BYTES = 1000;

export interface PassOptions {
  /** Report the lines a broken quote swallowed, to be read again. */
  readonly reread: boolean;
  /** Read with one thread. */
  readonly serial: boolean;
  /** No other way to read these sources is left: fail a source whose lines do not add up. */
  readonly lastChance: boolean;
}

export async function loadPass(tx: WarehouseSession, sources: readonly LoadSource[], shape: GroupShape, options: PassOptions): Promise<PassResult> {
  const columnNames = shape.header.map((_, i) => `c${i}`);
  await readIntoStage(tx, sources, shape, columnNames, options.serial);
  const rejects = await tx.query<EngineReject & { read_path: string }>(
    `SELECT s.file_path AS read_path, e.line_byte_position::VARCHAR AS byte_position,
            list(DISTINCT e.error_type::VARCHAR) AS error_types,
            arg_min(e.column_name, coalesce(e.column_idx, -1)) AS column_name,
            arg_min(e.error_type || ': ' || e.error_message, coalesce(e.column_idx, -1)) AS reason,
            min(e.csv_line) AS raw
     FROM _rej_errors e JOIN _rej_scans s USING (scan_id, file_id)
     GROUP BY ALL ORDER BY 1, 2`,
  );
  // Newlines inside values only need counting where the scan saw records span lines; elsewhere
  // a quoted newline the scan missed shows up as a row count that does not add up.
  const perSource = await tx.query<{ file_index: number; accepted: number; inner_newlines: number; first_row: string }>(
    `SELECT _file_index AS file_index, count(*)::INTEGER AS accepted, min(rowid)::VARCHAR AS first_row,
            coalesce(sum(CASE WHEN _read_path IN (SELECT unnest($spanning)) THEN ${innerNewlines(columnNames)} END), 0)::INTEGER AS inner_newlines
     FROM _stage GROUP BY 1`,
    { spanning: sources.filter((s) => s.scan.multiLineRecords.length > 0).map((s) => s.readPath) },
  );
  const countsOf = (source: LoadSource) => perSource.find((p) => p.file_index === sources.indexOf(source));

  const placed = new Map<LoadSource, PlacedReject[]>();
  const readAlone: LoadSource[] = [];
  for (const source of sources) {
    const own = rejects.filter((r) => r.read_path === source.readPath);
    const list = own.length || source.scan.longRecords.length || source.scan.unclosedAtEnd ? await place(source, own, shape) : [];
    const gaps = new Set([...source.scan.blankLines, ...list.flatMap((r) => range(r.line, r.lastLine))]);
    const counts = countsOf(source) ?? { accepted: 0, inner_newlines: 0 };
    if (counts.accepted + counts.inner_newlines + gaps.size === source.scan.totalLines - 1) {
      placed.set(source, list);
    } else if (!options.lastChance) {
      readAlone.push(source);
    } else {
      throw new StrataError(
        'STRATA_ERR_FILE_UNREADABLE',
        `the CSV reader and the line scan disagree about where lines are (${source.scan.totalLines - 1} lines after the header, ` +
          `${counts.accepted} rows read, ${gaps.size} blank or rejected lines); not loading it with uncertain line numbers`,
        { location: { file: source.displayPath } },
      );
    }
  }
  if (readAlone.length) await tx.execute('DELETE FROM _stage WHERE _read_path IN (SELECT unnest($paths))', { paths: readAlone.map((s) => s.readPath) });

  await createGaps(tx, placed);
  const isIrregular = (source: LoadSource, list: readonly PlacedReject[]): boolean => list.length > 0 || source.scan.blankLines.length > 0 || source.scan.multiLineRecords.length > 0;
  const irregular = [...placed].filter(([source, list]) => isIrregular(source, list)).map(([s]) => s.readPath);
  // By the reader's file index, in `sources` order: the regular sources and where their rows start.
  const regular = sources.map((source) => {
    const list = placed.get(source);
    const firstRow = countsOf(source)?.first_row;
    return list && !isIrregular(source, list) && firstRow !== undefined ? { ...source, firstRow } : null;
  });
  await insertAccepted(tx, shape.mapping, columnNames, irregular, regular);
  const rejected = [...placed].flatMap(([source, list]) => list.map((reject) => ({ source, reject })));
  await insertRejected(tx, rejected.map(({ source, reject }) => ({ readPath: source.readPath, line: reject.line, reason: reject.reason, raw: reject.raw })));
  await tx.execute('DROP TABLE IF EXISTS _stage; DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans; DROP TABLE IF EXISTS _gaps;');
  const swallowed = options.reread
    ? rejected.filter((r) => r.reject.rereadRest).map((r) => ({ source: r.source, from: r.reject.line + 1, to: r.reject.lastLine }))
    : [];
  return { swallowed, readAlone };
}

async function readIntoStage(tx: WarehouseSession, sources: readonly LoadSource[], shape: GroupShape, columnNames: readonly string[], serial: boolean): Promise<void> {
  await tx.execute('DROP TABLE IF EXISTS _stage; DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans; DROP TABLE IF EXISTS _gaps;');
  await tx.execute(
    `INSERT INTO _files
     SELECT * FROM (SELECT unnest($read_paths) AS read_path, unnest($batch_ids), unnest($displays), unnest($sources), unnest($offsets)::BIGINT)
     WHERE read_path NOT IN (SELECT read_path FROM _files)`,
    {
      read_paths: sources.map((s) => s.readPath),
      batch_ids: sources.map((s) => s.batchId),
      displays: sources.map((s) => s.displayPath),
      sources: sources.map((s) => s.source),
      offsets: sources.map((s) => String(s.lineOffset)),
    },
  );
  await tx.execute(`CREATE TEMP TABLE _stage AS SELECT *, file_index::INTEGER AS _file_index FROM ${csvReader(shape, columnNames, serial)}`, {
    read_paths: sources.map((s) => s.readPath),
  });
}

/**
 * The engine's reader over `$read_paths`, fields named c0, c1, ..., each row with its `_read_path`;
 * lines it cannot split go to `_rej_errors` / `_rej_scans`. The dialect is given, not sniffed:
 * sniffing fails on dirty files.
 */
export function csvReader(shape: GroupShape, columnNames: readonly string[], serial: boolean): string {
  const columnsStruct = `{${columnNames.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  return `read_csv($read_paths,
       auto_detect = false, header = true, delim = '${DELIMITERS[shape.delimiter]!}', quote = '"', escape = '"',
       columns = ${columnsStruct}, encoding = '${shape.encoding}', strict_mode = true, null_padding = false,
       max_line_size = ${Math.trunc(shape.maxLineBytes)}, filename = '_read_path', parallel = ${serial ? 'false' : 'true'},
       store_rejects = true, rejects_table = '_rej_errors', rejects_scan = '_rej_scans')`;
}

async function place(source: LoadSource, rejects: readonly EngineReject[], shape: GroupShape): Promise<PlacedReject[]> {
  const lineAtByte = await linesAtBytePositions(source.readPath, source.gzip, rejects.map((r) => Number(r.byte_position)));
  const offsets = [...source.scan.longRecords.map((r) => r.offset), ...(source.scan.unclosedAtEnd ? [source.scan.unclosedAtEnd.offset] : [])];
  const recordText = await readRecordStarts(source, offsets, shape.encoding);
  return placeRejects(rejects, lineAtByte, source.scan, {
    maxLineBytes: shape.maxLineBytes,
    delimiter: shape.delimiter,
    describe: (r) => describeReject(r, shape.header),
    recordText,
  });
}

async function createGaps(tx: WarehouseSession, placed: ReadonlyMap<LoadSource, readonly PlacedReject[]>): Promise<void> {
  const paths: string[] = [];
  const lines: string[] = [];
  for (const [source, list] of placed) {
    for (const line of [...source.scan.blankLines, ...list.flatMap((r) => range(r.line, r.lastLine))]) {
      paths.push(source.readPath);
      lines.push(String(line));
    }
  }
  // A gap's base position is where it sits among the lines that are not gaps; a row is moved
  // down by every gap whose base position is at or before its own.
  await tx.execute(
    `CREATE TEMP TABLE _gaps AS
     SELECT read_path, base_position, max(gaps_upto) AS gaps_upto
     FROM (SELECT read_path, line - (row_number() OVER w - 1) AS base_position, row_number() OVER w AS gaps_upto
           FROM (SELECT DISTINCT unnest($paths) AS read_path, unnest($lines)::BIGINT AS line)
           WINDOW w AS (PARTITION BY read_path ORDER BY line))
     GROUP BY ALL`,
    { paths, lines },
  );
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function describeReject(reject: EngineReject, header: readonly string[]): string {
  const index = reject.column_name?.startsWith('c') ? Number(reject.column_name.slice(1)) : NaN;
  const column = Number.isInteger(index) && header[index] !== undefined ? ` (column ${header[index]})` : '';
  const setting = reject.error_types.includes('LINE SIZE OVER MAXIMUM') ? ' (STRATA_MAX_LINE_BYTES)' : '';
  return `${reject.reason}${column}${setting}`;
}

/** The first bytes of the records at the given offsets, to show in quarantine. */
async function readRecordStarts(source: LoadSource, offsets: readonly number[], encoding: GroupShape['encoding']): Promise<Map<number, string>> {
  const texts = new Map<number, string>();
  if (source.gzip || offsets.length === 0) return texts;
  const handle = await open(source.readPath, 'r');
  try {
    for (const offset of offsets) {
      const buffer = Buffer.alloc(RECORD_PREVIEW_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      texts.set(offset, buffer.subarray(0, bytesRead).toString(encoding === 'utf-8' ? 'utf8' : 'latin1'));
    }
  } finally {
    await handle.close();
  }
  return texts;
}
