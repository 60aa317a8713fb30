/** The headline measures: how each is labelled, formatted, and which direction is good. */
import type { KpiName } from './api/types';
import { fmtGbp, fmtGbpCents, fmtGbpCompact, fmtInt, fmtRatio } from './format';

export interface MetricSpec {
  readonly name: KpiName;
  readonly label: string;
  readonly format: (v: number | null | undefined) => string;
  /** Axis labels: short. */
  readonly axis: (v: number) => string;
  /** For return rate a rise is bad news. */
  readonly higherIsBetter: boolean;
  readonly definition: string;
}

export const METRICS: Readonly<Record<KpiName, MetricSpec>> = {
  revenue_gbp: { name: 'revenue_gbp', label: 'Revenue', format: fmtGbp, axis: (v) => fmtGbpCompact(v), higherIsBetter: true, definition: 'Net of cancellations and returns, GBP' },
  orders: { name: 'orders', label: 'Orders', format: fmtInt, axis: (v) => fmtInt(v), higherIsBetter: true, definition: 'Sale invoices' },
  customers: { name: 'customers', label: 'Customers', format: fmtInt, axis: (v) => fmtInt(v), higherIsBetter: true, definition: 'Distinct identified customers with a sale' },
  avg_order_value_gbp: { name: 'avg_order_value_gbp', label: 'Average order value', format: fmtGbpCents, axis: (v) => fmtGbp(v), higherIsBetter: true, definition: 'Sales per sale invoice, GBP' },
  return_rate: { name: 'return_rate', label: 'Return rate', format: (v) => fmtRatio(v, 2), axis: (v) => fmtRatio(v, 0), higherIsBetter: false, definition: 'Value returned or cancelled / value sold' },
  units: { name: 'units', label: 'Units sold', format: fmtInt, axis: (v) => fmtInt(v), higherIsBetter: true, definition: 'Items on sale lines' },
};

export const CARD_METRICS: readonly KpiName[] = ['revenue_gbp', 'orders', 'customers', 'avg_order_value_gbp', 'return_rate'];

export const isMetric = (v: string | null): v is KpiName => v !== null && v in METRICS;

/** The grain that keeps a chart readable for a window of `days` days. */
export const grainForDays = (days: number): 'day' | 'week' | 'month' => (days <= 93 ? 'day' : days <= 400 ? 'week' : 'month');
