/**
 * A tiny stand-in for the typed stage `_typed` in an in-memory warehouse: each row gives raw text
 * per column; the typed columns are plain casts of it. Enough to see exactly which lines a
 * compiled rule selects.
 */
import { openWarehouse, type Warehouse } from '../../src/engine/index.js';
import { compileRule, STAGE_COLUMNS, type Rule } from '../../src/quality/index.js';

export type StageRow = Partial<Record<(typeof STAGE_COLUMNS)[number], string | null>> & {
  readonly line: number;
  readonly batch?: string;
  readonly parseError?: string;
};

const TYPED: Readonly<Record<(typeof STAGE_COLUMNS)[number], string>> = {
  invoice_no: 'invoice_no_raw',
  stock_code: 'stock_code_raw',
  description: 'description_raw',
  quantity: 'TRY_CAST(quantity_raw AS INTEGER)',
  invoice_date: 'TRY_CAST(invoice_date_raw AS TIMESTAMP)',
  unit_price: 'TRY_CAST(unit_price_raw AS DECIMAL(18, 4))',
  customer_id: 'TRY_CAST(TRY_CAST(customer_id_raw AS DOUBLE) AS BIGINT)',
  country: 'country_raw',
};

/** A warehouse holding `_typed` built from `rows`, and reference.countries (alias column). */
export async function stageWith(rows: readonly StageRow[]): Promise<Warehouse> {
  const warehouse = await openWarehouse({ path: ':memory:' });
  await warehouse.execute(`CREATE SCHEMA reference;
    CREATE TABLE reference.countries (alias VARCHAR, country VARCHAR);
    INSERT INTO reference.countries VALUES ('United Kingdom', 'United Kingdom'), ('EIRE', 'Ireland'), ('France', 'France');`);
  const rawColumns = STAGE_COLUMNS.map((c) => `${c}_raw VARCHAR`).join(', ');
  await warehouse.execute(`CREATE TABLE _input (batch_id VARCHAR, batch_order INTEGER, line BIGINT, _parse_error VARCHAR, ${rawColumns})`);
  for (const row of rows) {
    const batch = row.batch ?? 'b1';
    await warehouse.execute(
      `INSERT INTO _input VALUES ($batch, $order, $line, $error, ${STAGE_COLUMNS.map((c) => `$${c}`).join(', ')})`,
      {
        batch,
        order: Number(batch.slice(1)) || 1,
        line: row.line,
        error: row.parseError ?? null,
        ...Object.fromEntries(STAGE_COLUMNS.map((c) => [c, row[c] ?? null])),
      },
    );
  }
  await warehouse.execute(
    `CREATE TABLE _typed AS SELECT *, ${STAGE_COLUMNS.map((c) => `${TYPED[c]} AS ${c}`).join(', ')} FROM _input`,
  );
  return warehouse;
}

/** The lines (batch:line) a rule selects as violations, in order. */
export async function violations(warehouse: Warehouse, rule: Rule): Promise<string[]> {
  const rows = await warehouse.query<{ batch_id: string; line: string }>(
    `SELECT batch_id, line::VARCHAR AS line FROM (${compileRule(rule).sql}) ORDER BY batch_id, line`,
  );
  return rows.map((r) => (r.batch_id === 'b1' ? r.line : `${r.batch_id}:${r.line}`));
}

/** A clean row: every column present and valid. */
export const good = (line: number, overrides: Partial<StageRow> = {}): StageRow => ({
  line,
  invoice_no: `5363${String(line).padStart(2, '0')}`,
  stock_code: '85123A',
  description: 'WHITE HANGING HEART T-LIGHT HOLDER',
  quantity: '6',
  invoice_date: '2010-12-01 08:26:00',
  unit_price: '2.55',
  customer_id: '17850.0',
  country: 'United Kingdom',
  ...overrides,
});
