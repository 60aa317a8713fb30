/** Splits a header line into column names and picks the delimiter that explains it best. */
import { parse } from 'csv-parse/sync';

const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface ParsedHeader {
  readonly delimiter: string;
  readonly columns: readonly string[];
}

export function parseHeaderLine(line: string): ParsedHeader | { readonly error: string } {
  let best: ParsedHeader | undefined;
  let lastError = 'empty header';
  for (const delimiter of DELIMITERS) {
    try {
      const records = parse(line, { delimiter, relax_column_count: true, bom: true, trim: true }) as string[][];
      const columns = records[0] ?? [];
      if (columns.length > (best?.columns.length ?? 1)) best = { delimiter, columns };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  if (!best) return { error: lastError };
  const columns = best.columns.map((name, i) => (name === '' ? `column_${i + 1}` : name));
  return { delimiter: best.delimiter, columns };
}
