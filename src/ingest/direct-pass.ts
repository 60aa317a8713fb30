/**
 * The fast path into bronze for sources the line scan found clean: one record per line, no blank
 * lines, nothing over the line limit, no open quote at the end. One engine read goes straight into
 * bronze.transactions_raw (no stage table: each copy of the rows costs about as much as the read),
 * with `_line` holding minus the source's position in the read (1-based) until it is numbered:
 * the engine appends a read's rows in file order, so each source's rows are then numbered from
 * their rowid, by one sequential UPDATE (joining to a list of shifts instead made the engine
 * update the rows in hash order, 40 times slower). A source that turns out otherwise (a
 * line the reader rejected, rows that do not add up to its lines, rowids not in one run) has its
 * rows taken out again and is returned, to be read through the stage (csv-pass.ts), which places
 * every kind of irregular line.
 */
import type { WarehouseSession } from '../engine/index.js';
import { mappedColumns } from './bronze-insert.js';
import { CANONICAL_COLUMNS } from './column-map.js';
import { csvReader, registerFiles, type GroupShape, type LoadSource } from './csv-pass.js';

/** Whether the scan saw nothing that needs the stage's line placement. */
export const scannedClean = (source: LoadSource): boolean =>
  source.scan.multiLineRecords.length === 0 && source.scan.blankLines.length === 0 && source.scan.longRecords.length === 0 && !source.scan.unclosedAtEnd;

/** Loads `sources` (each its own batch) into bronze; returns those that must go through the stage. */
export async function loadDirect(tx: WarehouseSession, sources: readonly LoadSource[], shape: GroupShape): Promise<LoadSource[]> {
  if (sources.length === 0) return [];
  const columnNames = shape.header.map((_, i) => `c${i}`);
  const { select, rowHash } = mappedColumns(shape.mapping);
  await tx.execute('DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans;');
  // The group's batch bookkeeping (bronze-load.ts) finds its rows through `_files`.
  await registerFiles(tx, sources);
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     SELECT ${CANONICAL_COLUMNS.join(', ')}, _extra, NULL, NULL,
            ($batch_ids::VARCHAR[])[i], ($sources::VARCHAR[])[i], ($files::VARCHAR[])[i], -i, now(), ${rowHash}
     FROM (SELECT file_index::BIGINT + 1 AS i, ${select} FROM ${csvReader(shape, columnNames, false)})`,
    {
      read_paths: sources.map((s) => s.readPath),
      batch_ids: sources.map((s) => s.batchId),
      sources: sources.map((s) => s.source),
      files: sources.map((s) => s.displayPath),
    },
  );
  const rejected = new Set(
    (await tx.query<{ read_path: string }>('SELECT DISTINCT s.file_path AS read_path FROM _rej_errors e JOIN _rej_scans s USING (scan_id, file_id)')).map((r) => r.read_path),
  );
  const counts = new Map(
    (await tx.query<{ i: number; rows: number; first_row: string; last_row: string }>(
      `SELECT (-_line)::INTEGER AS i, count(*)::INTEGER AS rows, min(rowid)::VARCHAR AS first_row, max(rowid)::VARCHAR AS last_row
       FROM bronze.transactions_raw WHERE _line < 0 GROUP BY 1`,
    )).map((c) => [c.i, c]),
  );
  const shifts: string[] = [];
  const restage: LoadSource[] = [];
  for (const [index, source] of sources.entries()) {
    const c = counts.get(index + 1);
    const rows = c?.rows ?? 0;
    const inOneRun = !c || BigInt(c.last_row) - BigInt(c.first_row) + 1n === BigInt(rows);
    const clean = !rejected.has(source.readPath) && rows === source.scan.totalLines - 1 && inOneRun;
    if (!clean) restage.push(source);
    // line = rowid - first rowid + 2 (the header is line 1) + the source's line offset
    shifts.push(clean && c ? String(BigInt(c.first_row) - 2n - BigInt(source.lineOffset)) : '0');
  }
  if (restage.length) {
    await tx.execute('DELETE FROM bronze.transactions_raw WHERE _line < 0 AND list_contains($positions::BIGINT[], -_line)', {
      positions: restage.map((s) => String(sources.indexOf(s) + 1)),
    });
  }
  if (restage.length < sources.length) {
    await tx.execute('UPDATE bronze.transactions_raw SET _line = rowid - ($shifts::BIGINT[])[-_line] WHERE _line < 0', { shifts });
  }
  await tx.execute('DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans;');
  return restage;
}
