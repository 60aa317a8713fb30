/** Number and date formatting shared by every view (en-GB: the data is a UK shop's, in GBP). */
const gbp = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
const gbpCents = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const gbpCompact = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', notation: 'compact', maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-GB', { notation: 'compact', maximumFractionDigits: 1 });

const DASH = '–';

export const fmtGbp = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : gbp.format(v));
export const fmtGbpCents = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : gbpCents.format(v));
export const fmtGbpCompact = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : gbpCompact.format(v));
export const fmtInt = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : integer.format(v));
export const fmtNum = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : decimal.format(v));
export const fmtCompact = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : compact.format(v));
/** A ratio (0.0123) as a percentage (1.23%). */
export const fmtRatio = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined ? DASH : `${(v * 100).toFixed(digits)}%`);
/** A percentage change (12.5) with its sign (+12.5%). */
export const fmtChange = (v: number | null | undefined): string => (v === null || v === undefined ? DASH : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}%`);
export const fmtMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? DASH : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
export const fmtDate = (iso: string | null | undefined): string => (iso ? dateFmt.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : DASH);
export const fmtDateTime = (text: string | null | undefined): string => (text ? text.replace('T', ' ').slice(0, 19) : DASH);
