/** ISO calendar-date arithmetic in UTC (`YYYY-MM-DD`), as the API's from/to use. */
const DAY = 86_400_000;
const toMs = (iso: string): number => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
const toIso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isIsoDate = (text: string | null | undefined): text is string => !!text && ISO_DATE.test(text) && !Number.isNaN(toMs(text));
export const addDays = (iso: string, days: number): string => toIso(toMs(iso) + days * DAY);
export const daysBetween = (from: string, to: string): number => Math.round((toMs(to) - toMs(from)) / DAY);

/** The window of equal length just before [from, to]: what "change vs previous period" compares with. */
export function previousWindow(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

export const PRESETS = [
  { id: '30d', label: 'Last 30 days', days: 30 },
  { id: '90d', label: 'Last 90 days', days: 90 },
  { id: '180d', label: 'Last 6 months', days: 182 },
  { id: '365d', label: 'Last 12 months', days: 365 },
  { id: 'all', label: 'All data', days: null },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];
