/**
 * Loads a group of files that share one header shape into bronze (one engine read for the
 * group, see csv-pass.ts), records one batch per file, and decides each file's date order.
 */
import type { WarehouseSession } from '../engine/index.js';
import type { LoadSource } from './csv-pass.js';
import type { PreparedFile } from './prepare-file.js';
import { readSources } from './read-sources.js';

export type DateOrder = 'iso' | 'mdy' | 'dmy';

export interface LoadOptions {
  readonly runId: string;
  readonly stagingDir: string;
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

export async function loadGroup(tx: WarehouseSession, files: readonly PreparedFile[], options: LoadOptions): Promise<LoadedBatch[]> {
  const first = files[0]!;
  const source = options.source ?? (first.convertedFrom ?? 'csv');
  await tx.execute('DROP TABLE IF EXISTS _files');
  await tx.execute('CREATE TEMP TABLE _files (read_path VARCHAR, batch_id VARCHAR, file VARCHAR, source VARCHAR, line_offset BIGINT)');
  const sources: LoadSource[] = files.map((f) => ({
    readPath: f.readPath,
    gzip: f.readGzip,
    scan: f.scan,
    batchId: batchIdFor(f.contentHash),
    displayPath: f.input.path,
    source: f.convertedFrom ?? source,
    lineOffset: 0,
  }));
  const shape = { header: first.header, mapping: first.mapping, delimiter: first.delimiter, encoding: first.scan.encoding, maxLineBytes: options.maxLineBytes };
  const blankLines = await readSources(tx, sources, shape, options.stagingDir);
  for (const file of files) await toWorksheetRows(tx, file);

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
       FROM (SELECT _batch_id, _parse_error, invoice_date, coalesce(regexp_matches(invoice_date, '^ *[0-9]{4}[-/]'), false) AS is_iso
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
      blanks: loaded.map((b) => String(blankLines.get(b.batchId) ?? 0)),
      rows_in: loaded.map((b) => String(b.rowsIn)),
      unparseable: loaded.map((b) => String(b.rowsUnparseable)),
    },
  );
  await tx.execute('DROP TABLE IF EXISTS _files');
  return loaded;
}

/** Worksheet rows, not CSV lines, for a workbook whose cells hold line breaks. */
async function toWorksheetRows(tx: WarehouseSession, file: PreparedFile): Promise<void> {
  if (file.lineShifts.length === 0) return;
  await tx.execute(
    `UPDATE bronze.transactions_raw r
     SET _line = r._line - (SELECT max(s.shift) FROM (SELECT unnest($from_lines)::BIGINT AS from_line, unnest($shifts)::BIGINT AS shift) s
                            WHERE s.from_line <= r._line)
     WHERE r._batch_id = $batch_id AND r._line >= $first_line`,
    {
      from_lines: file.lineShifts.map((s) => String(s.fromLine)),
      shifts: file.lineShifts.map((s) => String(s.shift)),
      batch_id: batchIdFor(file.contentHash),
      first_line: file.lineShifts[0]!.fromLine,
    },
  );
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
