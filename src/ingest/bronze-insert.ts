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
 * Rows of regular sources (no blank, rejected or multi-line records) sit at their offset + 2;
 * rows of irregular ones also move down by the newlines inside earlier quoted values and the
 * gaps (blank or rejected lines) before them.
 */
export async function insertAccepted(tx: WarehouseSession, mapping: ColumnMapping, columnNames: readonly string[], irregular: readonly string[]): Promise<void> {
  const columnFor = (canonical: CanonicalColumn): string => {
    const index = mapping.positions[canonical];
    return index === null ? 'NULL::VARCHAR' : `c${index}`;
  };
  const extras = mapping.extras.length ? `json_object(${mapping.extras.map((e) => `${quoteLiteral(e.name)}, c${e.index}`).join(', ')})` : 'NULL::JSON';
  const rowHash = `md5(concat_ws(chr(31), ${CANONICAL_COLUMNS.map((c) => `coalesce(${c}, chr(30))`).join(', ')}, coalesce(_extra::VARCHAR, chr(30))))`;
  const select = (lineExpression: string, from: string): string => `
     SELECT ${CANONICAL_COLUMNS.join(', ')}, _extra, NULL, NULL,
            f.batch_id, f.source, f.file, ${lineExpression} + f.line_offset, now(), ${rowHash}
     FROM ${from} JOIN _files f USING (read_path)`;
  const mapped = `SELECT rowid AS scan_order, _read_path AS read_path,
              ${CANONICAL_COLUMNS.map((c) => `${columnFor(c)} AS ${c}`).join(', ')}, ${extras} AS _extra,
              ${innerNewlines(columnNames)} AS inner_newlines
       FROM _stage`;

  await tx.execute(
    `INSERT INTO bronze.transactions_raw
     WITH firsts AS (SELECT _read_path AS read_path, min(rowid) AS first_row FROM _stage GROUP BY 1),
     rows AS (${mapped} WHERE _read_path NOT IN (SELECT unnest($irregular)))
     ${select('r.scan_order - firsts.first_row + 2', 'rows r JOIN firsts USING (read_path)')}`,
    { irregular },
  );
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
