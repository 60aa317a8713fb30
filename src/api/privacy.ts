/**
 * Subject access and erasure for one customer. Export reads every layer. Erasure removes the
 * customer id from bronze, silver and quarantine (the sales stay, as guest sales, so each batch's
 * accounting still adds up), then rebuilds gold so aggregates no longer know the customer.
 */
import type { Row, SqlParams } from '../engine/index.js';
import { StrataError } from '../shared/index.js';
import type { PipelineRunner } from './pipeline-runner.js';

interface Reader {
  query<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
}

/** Bronze keeps ids as text as received ("17850", "17850.0", " 17850 "). */
const BRONZE_MATCH = 'TRY_CAST(trim(customer_id) AS DOUBLE) = $id';

export interface CustomerExport {
  readonly customer_id: number;
  readonly counts: { readonly bronze_rows: number; readonly silver_rows: number; readonly gold_lines: number; readonly quarantine_rows: number };
  readonly profile: Row | null;
  readonly rfm: Row | null;
  readonly bronze_rows: readonly Row[];
  readonly silver_rows: readonly Row[];
  readonly quarantine_rows: readonly Row[];
  readonly audit: readonly Row[];
}

export async function exportCustomer(db: Reader, id: number): Promise<CustomerExport> {
  const params = { id };
  const [profile] = await db.query(
    `SELECT customer_id::VARCHAR AS customer_id, country, first_invoice_ts::VARCHAR AS first_invoice_ts, last_invoice_ts::VARCHAR AS last_invoice_ts, orders
     FROM gold.dim_customer WHERE customer_key = $id`,
    params,
  );
  const [rfm] = await db.query(`SELECT as_of_date::VARCHAR AS as_of_date, last_purchase_date::VARCHAR AS last_purchase_date, recency_days, frequency, monetary_gbp,
            r_score, f_score, m_score, rfm_code, segment
     FROM gold.mart_customer_rfm WHERE customer_id = $id`, params);
  const bronze = await db.query(
    `SELECT _batch_id AS batch_id, _file AS file, _line::DOUBLE AS line, invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country
     FROM bronze.transactions_raw WHERE ${BRONZE_MATCH} ORDER BY _file, _line`,
    params,
  );
  const silver = await db.query(
    `SELECT invoice_no, stock_code, description, quantity, invoice_ts::VARCHAR AS invoice_ts, unit_price_gbp::DOUBLE AS unit_price_gbp,
            line_total_gbp::DOUBLE AS line_total_gbp, country, source_file, source_line::DOUBLE AS source_line
     FROM silver.transactions WHERE customer_id = $id ORDER BY invoice_ts, source_line`,
    params,
  );
  const quarantine = await db.query(
    `SELECT q.batch_id, q.file, q.line::DOUBLE AS line, q.rule_id, q.column_name, q.value, q.reason
     FROM quality.quarantine AS q JOIN bronze.transactions_raw AS b ON b._batch_id = q.batch_id AND b._line = q.line
     WHERE ${BRONZE_MATCH.replace('customer_id', 'b.customer_id')} ORDER BY q.file, q.line`,
    params,
  );
  const [gold] = await db.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM gold.fact_sales WHERE customer_key = $id', params);
  const auditRows = await db.query(
    `SELECT occurred_at::VARCHAR AS occurred_at, actor, action FROM api.audit_log WHERE subject = $subject ORDER BY occurred_at`,
    { subject: String(id) },
  );
  if (!profile && bronze.length === 0) throw new StrataError('STRATA_ERR_NOT_FOUND', 'no customer with this id', { details: { parameter: 'id' } });
  return {
    customer_id: id,
    counts: { bronze_rows: bronze.length, silver_rows: silver.length, gold_lines: gold?.n ?? 0, quarantine_rows: quarantine.length },
    profile: profile ?? null,
    rfm: rfm ?? null,
    bronze_rows: bronze,
    silver_rows: silver,
    quarantine_rows: quarantine,
    audit: auditRows,
  };
}

export interface ErasureResult {
  readonly customer_id: number;
  readonly bronze_rows: number;
  readonly silver_rows: number;
  readonly quarantine_values: number;
  readonly gold_run_id: string;
  readonly gold_run_status: string;
}

export async function eraseCustomer(runner: PipelineRunner, id: number): Promise<ErasureResult> {
  const counts = await runner.exclusive((writer) =>
    writer.transaction(async (tx) => {
      const params = { id };
      const quarantine = await tx.query(
        `UPDATE quality.quarantine AS q SET value = NULL
         FROM bronze.transactions_raw AS b
         WHERE b._batch_id = q.batch_id AND b._line = q.line AND q.column_name = 'customer_id' AND ${BRONZE_MATCH.replace('customer_id', 'b.customer_id')}
         RETURNING 1`,
        params,
      );
      const bronze = await tx.query(`UPDATE bronze.transactions_raw SET customer_id = NULL, _raw_line = NULL WHERE ${BRONZE_MATCH} RETURNING 1`, params);
      const silver = await tx.query('UPDATE silver.transactions SET customer_id = NULL, is_guest = true WHERE customer_id = $id RETURNING 1', params);
      return { bronze: bronze.length, silver: silver.length, quarantine: quarantine.length };
    }),
  );
  if (counts.bronze === 0 && counts.silver === 0) throw new StrataError('STRATA_ERR_NOT_FOUND', 'no customer with this id', { details: { parameter: 'id' } });
  const run = await runner.run({ inputs: [], forceGold: true, command: 'erase' });
  return { customer_id: id, bronze_rows: counts.bronze, silver_rows: counts.silver, quarantine_values: counts.quarantine, gold_run_id: run.runId, gold_run_status: run.status };
}
