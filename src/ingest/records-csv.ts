/**
 * JSON records -> CSV text that file ingest reads: how rows sent over HTTP (pushed to the API or
 * pulled from a REST source) reach bronze through the same path, rules and accounting as files.
 * The same records always give the same bytes, so the same rows give the same batch id.
 */

/** Text of one field: numbers in their JSON spelling, null and absent as empty, anything else as JSON. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Column names of `records` in order of first appearance (the page's own names; ingest maps synonyms). */
export function recordColumns(records: readonly Readonly<Record<string, unknown>>[]): string[] {
  const seen = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) seen.add(key);
  return [...seen];
}

export function recordsToCsv(records: readonly Readonly<Record<string, unknown>>[], columns: readonly string[] = recordColumns(records)): string {
  const lines = records.map((record) => columns.map((c) => csvField(record[c])).join(','));
  return `${columns.map(csvField).join(',')}\n${lines.join('\n')}\n`;
}
