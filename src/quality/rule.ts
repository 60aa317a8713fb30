/**
 * Declarative quality rules. Each rule names the stage column it checks; `error` quarantines the
 * row, `warn` only flags it. Rules are data: the compiler turns each into one set-based query.
 */
export type Severity = 'error' | 'warn';

/** Columns of the typed stage a rule may name: the canonical columns, each raw and typed. */
export const STAGE_COLUMNS = [
  'invoice_no',
  'stock_code',
  'description',
  'quantity',
  'invoice_date',
  'unit_price',
  'customer_id',
  'country',
] as const;
export type StageColumn = (typeof STAGE_COLUMNS)[number];

/** What each typed column holds, so a rule cannot compare a date with a number. */
export const STAGE_COLUMN_TYPES: Readonly<Record<StageColumn, 'text' | 'integer' | 'decimal' | 'timestamp' | 'identifier'>> = {
  invoice_no: 'text',
  stock_code: 'text',
  description: 'text',
  quantity: 'integer',
  invoice_date: 'timestamp',
  unit_price: 'decimal',
  customer_id: 'identifier',
  country: 'text',
};

interface RuleBase {
  readonly id: string;
  readonly severity: Severity;
  /** What a failing row is told, e.g. "quantity is not a whole number". */
  readonly message: string;
}

export type Rule = RuleBase &
  (
    | { readonly kind: 'row_parses' }
    | { readonly kind: 'not_null'; readonly column: StageColumn }
    | { readonly kind: 'parses_as'; readonly column: StageColumn; readonly type: 'integer' | 'decimal' | 'timestamp' | 'identifier' }
    | { readonly kind: 'range'; readonly column: StageColumn; readonly min?: number | string; readonly max?: number | string; readonly exclusiveMin?: boolean }
    | { readonly kind: 'pattern'; readonly column: StageColumn; readonly pattern: string }
    | { readonly kind: 'allowed_values'; readonly column: StageColumn; readonly values: readonly string[] }
    | { readonly kind: 'unique'; readonly columns: readonly StageColumn[] }
    | { readonly kind: 'referential'; readonly column: StageColumn; readonly table: string; readonly tableColumn: string; readonly caseInsensitive?: boolean }
    | { readonly kind: 'custom_sql'; readonly column?: StageColumn; readonly violation: string }
  );

export type RuleKind = Rule['kind'];
