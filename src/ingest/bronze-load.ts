/**
 * Bulk-loads a group of files that share one header shape into bronze with a single engine
 * scan. Lines the CSV reader cannot split land in bronze too (with the raw text and the reader's
 * error) so the quality step quarantines them: nothing read is ever dropped. Physical line
 * numbers are exact: rejected lines are placed by byte position, accepted rows by their order,
 * the newlines inside their quoted fields, and the blank and rejected lines before them.
 */
import { quoteLiteral, type WarehouseSession } from '../engine/index.js';
import { CANONICAL_COLUMNS } from './column-map.js';
import { linesAtBytePositions } from './file-scan.js';
import type { PreparedFile } from './prepare-file.js';

export type DateOrder = 'iso' | 'mdy' | 'dmy';

export interface LoadOptions {
  readonly runId: string;
  readonly maxLineBytes: number;
  readonly defaultDateOrder: 'mdy' | 'dmy';
  readonly dateOrderOverride?: DateOrder | undefined;
  readonly source?: string;
}

export interface LoadedBatch {
  readonly batchId: string;
  readonly file: PreparedFile;
  readonly rowsIn: number;
  readonly rowsUnparseable: number;
  readonly dateOrder: DateOrder | null;
  readonly dateOrderSource: 'detected' | 'assumed' | 'override' | null;
}

export const batchIdFor = (contentHash: string): string => `b_${contentHash.slice(0, 20)}`;

const ENCODINGS: Readonly<Record<string, string>> = { 'utf-8': 'utf-8', 'latin-1': 'latin-1' };
const DELIMITERS: Readonly<Record<string, string>> = { ',': ',', ';': ';', '\t': '\\t', '|': '|' };

interface RejectRow {
  read_path: string;
  byte_position: string;
  column_name: string | null;
  reason: string;
  raw: string | null;
  continuation_lines: number;
}

export async function loadGroup(tx: WarehouseSession, files: readonly PreparedFile[], options: LoadOptions): Promise<LoadedBatch[]> {
  const first = files[0]!;
  const width = first.header.length;
  const columnNames = Array.from({ length: width }, (_, i) => `c${i}`);
  const encoding = ENCODINGS[first.scan.encoding]!;
  const delimiter = DELIMITERS[first.delimiter]!;
  const source = options.source ?? (first.convertedFrom ?? 'csv');

  await tx.execute('DROP TABLE IF EXISTS _stage; DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans; DROP TABLE IF EXISTS _files; DROP TABLE IF EXISTS _gaps;');
  await tx.execute(
    `CREATE TEMP TABLE _files AS
     SELECT unnest($read_paths) AS read_path, unnest($batch_ids) AS batch_id, unnest($displays) AS file, unnest($sources) AS source`,
    {
      read_paths: files.map((f) => f.readPath),
      batch_ids: files.map((f) => batchIdFor(f.contentHash)),
      displays: files.map((f) => f.input.path),
      sources: files.map((f) => f.convertedFrom ?? source),
    },
  );

  // One scan for the whole group. The dialect is given, not sniffed: sniffing fails on dirty files.
  const columnsStruct = `{${columnNames.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
  await tx.execute(
    `CREATE TEMP TABLE _stage AS
     SELECT * FROM read_csv($read_paths,
       auto_detect = false, header = true, delim = '${delimiter}', quote = '"', escape = '"',
       columns = ${columnsStruct}, encoding = '${encoding}', strict_mode = true, null_padding = false,
       max_line_size = ${Math.trunc(options.maxLineBytes)}, filename = '_read_path',
       store_rejects = true, rejects_table = '_rej_errors', rejects_scan = '_rej_scans')`,
    { read_paths: files.map((f) => f.readPath) },
  );

  const rejects = await tx.query<RejectRow>(
    `SELECT s.file_path AS read_path, e.line_byte_position::VARCHAR AS byte_position,
            arg_min(e.column_name, e.column_idx) AS column_name,
            arg_min(e.error_type || ': ' || e.error_message, e.column_idx) AS reason,
            min(e.csv_line) AS raw,
            max(length(coalesce(e.csv_line, '')) - length(replace(coalesce(e.csv_line, ''), chr(10), '')))::INTEGER AS continuation_lines
     FROM _rej_errors e JOIN _rej_scans s USING (scan_id, file_id)
     GROUP BY ALL ORDER BY 1, 2`,
  );

  // Physical line of each rejected line, from its byte position (one pass per affected file).
  const rejectLines: { read_path: string; line: number; column_name: string | null; reason: string; raw: string | null }[] = [];
  const gapPaths: string[] = [];
  const gapLines: string[] = [];
  const byFile = new Map<string, RejectRow[]>();
  for (const row of rejects) byFile.set(row.read_path, [...(byFile.get(row.read_path) ?? []), row]);
  for (const [readPath, rows] of byFile) {
    const file = files.find((f) => f.readPath === readPath)!;
    const lines = await linesAtBytePositions(readPath, file.readGzip, rows.map((r) => Number(r.byte_position)));
    for (const row of rows) {
      const line = lines.get(Number(row.byte_position)) ?? 0;
      rejectLines.push({ read_path: readPath, line, column_name: row.column_name, reason: row.reason, raw: row.raw });
      for (let k = 0; k <= row.continuation_lines; k++) {
        gapPaths.push(readPath);
        gapLines.push(String(line + k));
      }
    }
  }
  for (const file of files) {
    for (const line of file.scan.blankLines) {
      gapPaths.push(file.readPath);
      gapLines.push(String(line));
    }
  }
  await tx.execute(
    `CREATE TEMP TABLE _gaps AS
     SELECT read_path, line, line - (row_number() OVER (PARTITION BY read_path ORDER BY line) - 1) AS base_position
     FROM (SELECT DISTINCT unnest($paths) AS read_path, unnest($lines)::BIGINT AS line)`,
    { paths: gapPaths, lines: gapLines },
  );

  const columnFor = (canonical: (typeof CANONICAL_COLUMNS)[number]): string => {
    const index = first.mapping.positions[canonical];
    return index === null ? 'NULL::VARCHAR' : `c${index}`;
  };
  const extras = first.mapping.extras.length
    ? `json_object(${first.mapping.extras.map((e) => `${quoteLiteral(e.name)}, c${e.index}`).join(', ')})`
    : 'NULL::JSON';
  // Accepted rows only need line arithmetic beyond "header + ordinal" when their file has
  // blank lines, rejected lines or newlines inside quoted fields; most files have none.
  const perFile = await tx.query<{ read_path: string; accepted: number }>(
    'SELECT _read_path AS read_path, count(*)::INTEGER AS accepted FROM _stage GROUP BY 1',
  );
  const gapCount = new Map<string, number>();
  gapPaths.forEach((p) => gapCount.set(p, (gapCount.get(p) ?? 0) + 1));
  const irregular = files
    .filter((f) => {
      const accepted = perFile.find((r) => r.read_path === f.readPath)?.accepted ?? 0;
      return gapCount.has(f.readPath) || accepted + (gapCount.get(f.readPath) ?? 0) !== f.scan.totalLines - 1;
    })
    .map((f) => f.readPath);
  const allFields = `concat_ws('', ${columnNames.join(', ')})`;
  const rowHash = `md5(concat_ws(chr(31), ${CANONICAL_COLUMNS.map((c) => `coalesce(${c}, chr(30))`).join(', ')}, coalesce(_extra::VARCHAR, chr(30))))`;

  const select = (lineExpression: string, from: string): string => `
     SELECT ${CANONICAL_COLUMNS.join(', ')}, _extra, NULL, NULL,
            f.batch_id, f.source, f.file, ${lineExpression}, now(), ${rowHash}
     FROM ${from} JOIN _files f USING (read_path)`;
  const mapped = `SELECT rowid AS scan_order, _read_path AS read_path,
              ${CANONICAL_COLUMNS.map((c) => `${columnFor(c)} AS ${c}`).join(', ')}, ${extras} AS _extra,
              length(${allFields}) - length(replace(${allFields}, chr(10), '')) AS inner_newlines
       FROM _stage`;

  // Regular files: the scan keeps file order, so a row's line is its offset in the file + 2.
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     WITH firsts AS (SELECT _read_path AS read_path, min(rowid) AS first_row FROM _stage GROUP BY 1),
     rows AS (${mapped} WHERE _read_path NOT IN (SELECT unnest($irregular)))
     ${select('r.scan_order - firsts.first_row + 2', 'rows r JOIN firsts USING (read_path)')}`,
    { irregular },
  );
  if (irregular.length) {
    // Irregular files: add the newlines inside earlier quoted fields and the skipped lines before each row.
    await tx.execute(
      `INSERT INTO bronze.transactions_raw
       WITH numbered AS (
         SELECT *, 1 + row_number() OVER w
                   + coalesce(sum(inner_newlines) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base_line
         FROM (${mapped} WHERE _read_path IN (SELECT unnest($irregular)))
         WINDOW w AS (PARTITION BY read_path ORDER BY scan_order)
       ),
       shifts AS (
         SELECT n.read_path, n.scan_order, count(*) AS gaps_before
         FROM numbered n JOIN _gaps g ON g.read_path = n.read_path AND g.base_position <= n.base_line
         GROUP BY ALL
       )
       ${select('n.base_line + coalesce(s.gaps_before, 0)', 'numbered n LEFT JOIN shifts s USING (read_path, scan_order)')}`,
      { irregular },
    );
  }

  if (rejectLines.length) {
    await tx.execute(
      `INSERT INTO bronze.transactions_raw
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
              r.reason, r.raw, f.batch_id, f.source, f.file, r.line, now(), md5(coalesce(r.raw, ''))
       FROM (SELECT unnest($paths) AS read_path, unnest($lines)::BIGINT AS line, unnest($reasons) AS reason, unnest($raws) AS raw) r
       JOIN _files f USING (read_path)`,
      {
        paths: rejectLines.map((r) => r.read_path),
        lines: rejectLines.map((r) => String(r.line)),
        reasons: rejectLines.map((r) => describeReject(r, first.header)),
        raws: rejectLines.map((r) => r.raw ?? ''),
      },
    );
  }

  const counts = await tx.query<{ batch_id: string; rows_in: number; unparseable: number; iso: number; short: number; max_first: number | null; max_second: number | null }>(
    `SELECT _batch_id AS batch_id, count(*)::INTEGER AS rows_in,
            count(*) FILTER (WHERE _parse_error IS NOT NULL)::INTEGER AS unparseable,
            count(*) FILTER (WHERE is_iso)::INTEGER AS iso,
            count(*) FILTER (WHERE NOT is_iso AND TRY_CAST(second AS INTEGER) IS NOT NULL)::INTEGER AS short,
            max(TRY_CAST(first AS INTEGER)) FILTER (WHERE NOT is_iso) AS max_first,
            max(TRY_CAST(second AS INTEGER)) FILTER (WHERE NOT is_iso) AS max_second
     FROM (
       SELECT _batch_id, _parse_error, is_iso,
              CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 1) END AS first,
              CASE WHEN NOT is_iso THEN split_part(translate(trim(invoice_date), '.-', '//'), '/', 2) END AS second
       FROM (SELECT _batch_id, _parse_error, invoice_date, coalesce(ltrim(invoice_date) LIKE '____-%', false) AS is_iso
             FROM bronze.transactions_raw WHERE _batch_id IN (SELECT batch_id FROM _files))
     )
     GROUP BY 1`,
  );

  const loaded: LoadedBatch[] = [];
  for (const file of files) {
    const batchId = batchIdFor(file.contentHash);
    const c = counts.find((row) => row.batch_id === batchId);
    const { order, how } = decideDateOrder(c, options);
    loaded.push({ batchId, file, rowsIn: c?.rows_in ?? 0, rowsUnparseable: c?.unparseable ?? 0, dateOrder: order, dateOrderSource: how });
  }
  await tx.execute(
    `INSERT INTO bronze.batches
       (batch_id, run_id, source, file_path, file_name, content_hash, bytes, encoding, delimiter, header, column_map, schema_drift,
        date_order, date_order_source, lines_read, blank_lines, rows_in, rows_unparseable, status, loaded_at)
     SELECT unnest($ids), $run_id, unnest($sources), unnest($paths), unnest($names), unnest($hashes), unnest($bytes)::BIGINT,
            unnest($encodings), unnest($delimiters), unnest($headers)::JSON, unnest($maps)::JSON, unnest($drifts)::JSON,
            unnest($orders), unnest($order_sources), unnest($lines)::BIGINT, unnest($blanks)::BIGINT,
            unnest($rows_in)::BIGINT, unnest($unparseable)::BIGINT, 'loaded', now()`,
    {
      ids: loaded.map((b) => b.batchId),
      run_id: options.runId,
      sources: loaded.map((b) => b.file.convertedFrom ?? source),
      paths: loaded.map((b) => b.file.input.path),
      names: loaded.map((b) => b.file.input.path.split(/[\\/]/).pop() ?? ''),
      hashes: loaded.map((b) => b.file.contentHash),
      bytes: loaded.map((b) => String(b.file.bytes)),
      encodings: loaded.map((b) => b.file.scan.encoding),
      delimiters: loaded.map((b) => b.file.delimiter),
      headers: loaded.map((b) => JSON.stringify(b.file.header)),
      maps: loaded.map((b) => JSON.stringify(Object.fromEntries(Object.entries(b.file.mapping.positions).map(([k, v]) => [k, v === null ? null : b.file.header[v]])))),
      drifts: loaded.map((b) => JSON.stringify(b.file.mapping.extras.map((e) => e.name))),
      orders: loaded.map((b) => b.dateOrder ?? ''),
      order_sources: loaded.map((b) => b.dateOrderSource ?? ''),
      lines: loaded.map((b) => String(b.file.scan.totalLines - 1)),
      blanks: loaded.map((b) => String(b.file.scan.blankLines.length)),
      rows_in: loaded.map((b) => String(b.rowsIn)),
      unparseable: loaded.map((b) => String(b.rowsUnparseable)),
    },
  );
  await tx.execute('DROP TABLE IF EXISTS _stage; DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans; DROP TABLE IF EXISTS _files; DROP TABLE IF EXISTS _gaps;');
  return loaded;
}

function describeReject(reject: { column_name: string | null; reason: string }, header: readonly string[]): string {
  const index = reject.column_name?.startsWith('c') ? Number(reject.column_name.slice(1)) : NaN;
  const column = Number.isInteger(index) && header[index] !== undefined ? ` (column ${header[index]})` : '';
  return `${reject.reason}${column}`;
}

function decideDateOrder(
  counts: { iso: number; short: number; max_first: number | null; max_second: number | null } | undefined,
  options: LoadOptions,
): { order: DateOrder | null; how: LoadedBatch['dateOrderSource'] } {
  if (options.dateOrderOverride) return { order: options.dateOrderOverride, how: 'override' };
  if (!counts || counts.iso + counts.short === 0) return { order: null, how: null };
  if (counts.iso >= counts.short) return { order: 'iso', how: 'detected' };
  if ((counts.max_first ?? 0) > 12) return { order: 'dmy', how: 'detected' };
  if ((counts.max_second ?? 0) > 12) return { order: 'mdy', how: 'detected' };
  return { order: options.defaultDateOrder, how: 'assumed' };
}
