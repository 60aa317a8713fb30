/** Text into HTML: every value that reaches the page goes through here. */
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
/** An id usable as a fragment: asset keys such as `gold.fact_sales` become `asset-gold-fact_sales`. */
export const anchorOf = (key: string): string => `asset-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
