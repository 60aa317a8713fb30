/**
 * The rules every transaction batch is held to. Exact duplicates are not a rule here: the silver
 * step removes and records them (silver.duplicates), and the accounting counts them. `error` rows are quarantined with the rule and a
 * reason; `warn` rows reach silver with the rule id in `dq_warnings`.
 */
import type { Rule } from '../rule.js';

export const TRANSACTION_RULES: readonly Rule[] = [
  { id: 'row_parses', kind: 'row_parses', severity: 'error', message: 'the line could not be split into the expected columns' },
  { id: 'invoice_no_present', kind: 'not_null', column: 'invoice_no', severity: 'error', message: 'invoice number is missing' },
  { id: 'stock_code_present', kind: 'not_null', column: 'stock_code', severity: 'error', message: 'stock code is missing' },
  { id: 'quantity_present', kind: 'not_null', column: 'quantity', severity: 'error', message: 'quantity is missing' },
  { id: 'quantity_is_integer', kind: 'parses_as', column: 'quantity', type: 'integer', severity: 'error', message: 'quantity is not a whole number' },
  { id: 'quantity_not_zero', kind: 'custom_sql', column: 'quantity', violation: 'quantity = 0', severity: 'error', message: 'quantity is zero' },
  { id: 'invoice_date_present', kind: 'not_null', column: 'invoice_date', severity: 'error', message: 'invoice date is missing' },
  { id: 'invoice_date_parses', kind: 'parses_as', column: 'invoice_date', type: 'timestamp', severity: 'error', message: "invoice date does not match the file's date format" },
  { id: 'invoice_date_plausible', kind: 'range', column: 'invoice_date', min: '1990-01-01', max: '2100-01-01', severity: 'error', message: 'invoice date is outside 1990-2100' },
  { id: 'unit_price_present', kind: 'not_null', column: 'unit_price', severity: 'error', message: 'unit price is missing' },
  { id: 'unit_price_is_decimal', kind: 'parses_as', column: 'unit_price', type: 'decimal', severity: 'error', message: 'unit price is not a number' },
  { id: 'unit_price_not_negative', kind: 'range', column: 'unit_price', min: 0, severity: 'error', message: 'unit price is negative (a bad-debt adjustment, not a sale)' },
  // Bad debt is booked as a pair of adjustment invoices (prefix A, stock code B): a negative price,
  // caught above, and a positive one that is no sale either. Quarantining only the negative half
  // put the positive half (GBP 11,062.06 in the real data) into revenue and orders.
  {
    id: 'not_a_bad_debt_adjustment',
    kind: 'custom_sql',
    column: 'invoice_no',
    violation: "upper(invoice_no) LIKE 'A%' OR upper(stock_code) = 'B'",
    severity: 'error',
    message: 'a bad-debt adjustment (invoice prefix A, stock code B), not a sale',
  },
  { id: 'customer_id_is_integer', kind: 'parses_as', column: 'customer_id', type: 'identifier', severity: 'error', message: 'customer id is not a whole number' },
  { id: 'description_present', kind: 'not_null', column: 'description', severity: 'warn', message: 'description is missing' },
  { id: 'country_present', kind: 'not_null', column: 'country', severity: 'warn', message: 'country is missing (recorded as Unspecified)' },
  { id: 'country_known', kind: 'referential', column: 'country', table: 'reference.countries', tableColumn: 'alias', caseInsensitive: true, severity: 'warn', message: 'country is not in the reference list' },
  { id: 'invoice_no_format', kind: 'pattern', column: 'invoice_no', pattern: '[A-Za-z]?[0-9]{5,8}', severity: 'warn', message: 'invoice number is not a 6-digit number with an optional letter prefix' },
  { id: 'unit_price_positive', kind: 'range', column: 'unit_price', min: 0, exclusiveMin: true, severity: 'warn', message: 'unit price is zero' },
  {
    id: 'cancellation_has_negative_quantity',
    kind: 'custom_sql',
    column: 'quantity',
    violation: "upper(invoice_no) LIKE 'C%' AND quantity > 0",
    severity: 'warn',
    message: 'a cancellation invoice has a positive quantity',
  },
];
