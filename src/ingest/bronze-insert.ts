/**
 * Writes one engine read (`_stage`, plus the placed rejects) into bronze.transactions_raw with
 * the physical line of every row. `_files` maps each read path to its batch and line offset;
 * `_gaps` holds the blank and rejected lines of each source.
 */
import { quoteLiteral, type WarehouseSession } from '../engine/index.js';
import { CANONICAL_COLUMNS, type CanonicalColumn, type ColumnMapping } from './column-map.js';

/** SQL counting the newlines inside the values of a `_stage` row. */
export const innerNewlines = (columnNames: readonly string[]): string => {
  const allFields = `concat_ws('', ${columnNames.join(', ')})`;
  return `(length(${allFields}) - length(replace(${allFields}, chr(10), '')))`;
};

/**
 * The canonical columns and `_extra` of a read whose fields are named c0, c1, ..., and the row
 * hash over them: one definition for every path into bronze, so a row hashes the same however
 * its file was read.
 */
export function mappedColumns(mapping: ColumnMapping): { readonly select: string; readonly rowHash: string } {
  const columnFor = (canonical: CanonicalColumn): string => {
    const index = mapping.positions[canonical];
    return index === null ? 'NULL::VARCHAR' : `c${index}`;
  };
  const extras = mapping.extras.length ? `json_object(${mapping.extras.map((e) => `${quoteLiteral(e.name)}, c${e.index}`).join(', ')})` : 'NULL::JSON';
  return {
    select: `${CANONICAL_COLUMNS.map((c) => `${columnFor(c)} AS ${c}`).join(', ')}, ${extras} AS _extra`,
    rowHash: `md5(concat_ws(chr(31), ${CANONICAL_COLUMNS.map((c) => `coalesce(${c}, chr(30))`).join(', ')}, coalesce(_extra::VARCHAR, chr(30))))`,
  };
}

/** A source read into `_stage` with one record per line, and the `_stage` rowid of its first row. */
export interface RegularSource {
  readonly batchId: string;
  readonly source: string;
  readonly displayPath: string;
  readonly lineOffset: number;
  readonly firstRow: string;
}

/**
 * Rows of regular sources (no blank, rejected or multi-line records) sit at their offset + 2;
 * rows of irregular ones also move down by the newlines inside earlier quoted values and the
 * gaps (blank or rejected lines) before them. `regular` is indexed by the reader's file index
 * (null for the other sources): the regular rows take their batch, file and line from lists by
 * that index, with no join, in one parallel pass over `_stage`.
 */
export async function insertAccepted(
  tx: WarehouseSession,
  mapping: ColumnMapping,
  columnNames: readonly string[],
  irregular: readonly string[],
  regular: readonly (RegularSource | null)[],
): Promise<void> {
  const { select: mappedSelect, rowHash } = mappedColumns(mapping);
  const select = (lineExpression: string, from: string): string => `
     SELECT ${CANONICAL_COLUMNS.join(', ')}, _extra, NULL, NULL,
            f.batch_id, f.source, f.file, ${lineExpression} + f.line_offset, now(), ${rowHash}
     FROM ${from} JOIN _files f USING (read_path)`;
  const mapped = `SELECT rowid AS scan_order, _read_path AS read_path, ${mappedSelect},
              ${innerNewlines(columnNames)} AS inner_newlines
       FROM _stage`;

  if (regular.some((r) => r !== null)) {
    // Lists bind as text; '' (and a shift of 0) stands for a source read another way.
    const of = (value: (r: RegularSource) => string, other = ''): string[] => regular.map((r) => (r ? value(r) : other));
    await tx.execute(
      `INSERT INTO bronze.transactions_raw
       SELECT ${CANONICAL_COLUMNS.join(', ')}, _extra, NULL, NULL,
              ($batch_ids::VARCHAR[])[i], ($sources::VARCHAR[])[i], ($files::VARCHAR[])[i], scan_order - ($shifts::BIGINT[])[i], now(), ${rowHash}
       FROM (SELECT _file_index + 1 AS i, rowid AS scan_order, ${mappedSelect} FROM _stage)
       WHERE ($batch_ids::VARCHAR[])[i] <> ''`,
      {
        batch_ids: of((r) => r.batchId),
        sources: of((r) => r.source),
        files: of((r) => r.displayPath),
        // line = rowid - first rowid + 2 + line offset
        shifts: of((r) => String(BigInt(r.firstRow) - 2n - BigInt(r.lineOffset)), '0'),
      },
    );
  }
  if (irregular.length === 0) return;
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     WITH numbered AS (
       SELECT *, 1 + row_number() OVER w
                 + coalesce(sum(inner_newlines) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS base_line
       FROM (${mapped} WHERE _read_path IN (SELECT unnest($irregular)))
       WINDOW w AS (PARTITION BY read_path ORDER BY scan_order)
     ),
     placed AS (
       SELECT n.*, coalesce(g.gaps_upto, 0) AS gaps_before
       FROM numbered n ASOF LEFT JOIN _gaps g ON g.read_path = n.read_path AND n.base_line >= g.base_position
     )
     ${select('p.base_line + p.gaps_before', 'placed p')}`,
    { irregular },
  );
}

/** Rejected lines: no fields, the reader's reason and the raw text, for the quality step to quarantine. */
export async function insertRejected(tx: WarehouseSession, rejected: readonly { readPath: string; line: number; reason: string; raw: string }[]): Promise<void> {
  if (rejected.length === 0) return;
  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            r.reason, r.raw, f.batch_id, f.source, f.file, r.line + f.line_offset, now(), md5(r.raw)
     FROM (SELECT unnest($paths) AS read_path, unnest($lines)::BIGINT AS line, unnest($reasons) AS reason, unnest($raws) AS raw) r
     JOIN _files f USING (read_path)`,
    {
      paths: rejected.map((r) => r.readPath),
      lines: rejected.map((r) => String(r.line)),
      reasons: rejected.map((r) => r.reason),
      raws: rejected.map((r) => r.raw),
    },
  );
}
