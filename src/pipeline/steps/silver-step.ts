/**
 * Moves the rows that passed quality into silver.transactions, removing exact duplicates (within
 * the new rows and against silver), in day order (so a read of some days, such as a partition
 * build, skips the other row groups by their zone maps), and closes each batch's books:
 * rows in = rows to silver + rows quarantined + duplicates removed, or the transaction aborts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { WarehouseSession } from '../../engine/index.js';
import { DROP_STAGE } from '../../quality/index.js';
import { StrataError, modelsDir } from '../../shared/index.js';

export interface BatchAccount {
  readonly batch_id: string;
  readonly file_path: string;
  readonly rows_in: number;
  readonly rows_to_silver: number;
  readonly rows_quarantined: number;
  readonly rows_warned: number;
  readonly duplicates_removed: number;
  readonly quality_score: number;
}

const SILVER_COLUMNS =
  'invoice_no, stock_code, description, quantity, invoice_ts, invoice_date, unit_price_gbp, line_total_gbp, customer_id, country, country_code, is_cancellation, is_return, is_non_product, is_guest, dq_warnings, transaction_key, batch_id, source_file, source_line';

export async function buildSilver(tx: WarehouseSession): Promise<readonly BatchAccount[]> {
  const sql = readFileSync(path.join(modelsDir(), 'silver', 'transactions.sql'), 'utf8');
  // Keys silver held before this insert: rows carrying them are duplicates of earlier batches.
  await tx.execute(
    `CREATE TEMP TABLE _held_keys AS
     SELECT DISTINCT t.transaction_key FROM _typed t JOIN silver.transactions s ON s.transaction_key = t.transaction_key`,
  );
  await tx.execute(
    `CREATE TEMP TABLE _repeated_hashes AS
     SELECT hash(transaction_key) AS key_hash FROM _typed GROUP BY 1 HAVING count(*) > 1`,
  );
  await tx.execute(
    `INSERT INTO silver.transactions
     SELECT ${SILVER_COLUMNS.replace(/(^|, )/g, '$1c.')} FROM (${sql}) AS c
     LEFT JOIN _held_keys AS h ON h.transaction_key = c.transaction_key
     WHERE h.transaction_key IS NULL
     ORDER BY c.invoice_date`,
  );
  // Rows that passed quality but did not reach silver are exact duplicates: record which row was
  // kept. Only a row whose key silver held before, or whose key hash repeats among the new rows
  // (as silver's own dedupe finds them), can be one, so only those few meet silver in a join.
  await tx.execute(
    `INSERT INTO silver.duplicates
     WITH candidates AS (
       SELECT t.batch_id, t.file, t.line, t.transaction_key
       FROM _typed t
       WHERE (hash(t.transaction_key) IN (SELECT key_hash FROM _repeated_hashes)
              OR t.transaction_key IN (SELECT transaction_key FROM _held_keys))
         AND NOT EXISTS (SELECT 1 FROM _error_lines e WHERE e.batch_id = t.batch_id AND e.line = t.line)
     )
     SELECT c.batch_id, c.file, c.line, c.transaction_key, s.batch_id, s.source_line
     FROM candidates c
     JOIN silver.transactions s ON s.transaction_key = c.transaction_key AND (s.batch_id <> c.batch_id OR s.source_line <> c.line)`,
  );

  const accounts = await tx.query<BatchAccount>(
    `WITH rows_in AS (SELECT batch_id, count(*) AS n FROM _typed GROUP BY 1),
     quarantined AS (SELECT batch_id, count(*) AS n FROM _error_lines GROUP BY 1),
     silver_rows AS (SELECT batch_id, count(*) AS n, count(*) FILTER (WHERE len(dq_warnings) > 0) AS warned
                     FROM silver.transactions WHERE batch_id IN (SELECT batch_id FROM rows_in) GROUP BY 1),
     dupes AS (SELECT batch_id, count(*) AS n FROM silver.duplicates WHERE batch_id IN (SELECT batch_id FROM rows_in) GROUP BY 1)
     SELECT b.batch_id, b.file_path,
            i.n::INTEGER AS rows_in,
            coalesce(s.n, 0)::INTEGER AS rows_to_silver,
            coalesce(q.n, 0)::INTEGER AS rows_quarantined,
            coalesce(s.warned, 0)::INTEGER AS rows_warned,
            coalesce(d.n, 0)::INTEGER AS duplicates_removed,
            round((100.0 * (i.n - coalesce(q.n, 0) - 0.25 * coalesce(s.warned, 0)))::DOUBLE / i.n, 2)::DOUBLE AS quality_score
     FROM bronze.batches b
     JOIN rows_in i USING (batch_id)
     LEFT JOIN quarantined q USING (batch_id)
     LEFT JOIN silver_rows s USING (batch_id)
     LEFT JOIN dupes d USING (batch_id)
     ORDER BY b.loaded_at, b.file_path, b.batch_id`,
  );
  const broken = accounts.find((a) => a.rows_in !== a.rows_to_silver + a.rows_quarantined + a.duplicates_removed);
  if (broken) {
    throw new StrataError(
      'STRATA_ERR_ACCOUNTING',
      `batch ${broken.batch_id} (${broken.file_path}): ${broken.rows_in} rows in but ${broken.rows_to_silver} to silver + ${broken.rows_quarantined} quarantined + ${broken.duplicates_removed} duplicates`,
    );
  }
  await tx.execute(
    `UPDATE bronze.batches b SET status = 'processed', processed_at = now(),
       rows_to_silver = a.rows_to_silver, rows_quarantined = a.rows_quarantined, rows_warned = a.rows_warned,
       duplicates_removed = a.duplicates_removed, quality_score = a.quality_score
     FROM (SELECT unnest($ids) AS batch_id, unnest($silver)::BIGINT AS rows_to_silver, unnest($quarantined)::BIGINT AS rows_quarantined,
                  unnest($warned)::BIGINT AS rows_warned, unnest($dupes)::BIGINT AS duplicates_removed, unnest($scores)::DOUBLE AS quality_score) a
     WHERE a.batch_id = b.batch_id`,
    {
      ids: accounts.map((a) => a.batch_id),
      silver: accounts.map((a) => String(a.rows_to_silver)),
      quarantined: accounts.map((a) => String(a.rows_quarantined)),
      warned: accounts.map((a) => String(a.rows_warned)),
      dupes: accounts.map((a) => String(a.duplicates_removed)),
      scores: accounts.map((a) => String(a.quality_score)),
    },
  );
  await tx.execute(DROP_STAGE);
  return accounts;
}
