/** Finds the input files under a path: one file, or every supported file in a folder (sorted). */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { StrataError } from '../shared/index.js';

export type SourceFormat = 'csv' | 'xlsx';

export interface InputFile {
  readonly path: string; // absolute
  readonly displayPath: string; // as the user would recognise it
  readonly format: SourceFormat;
  readonly gzip: boolean;
}

export function classify(file: string): { format: SourceFormat; gzip: boolean } | null {
  const name = file.toLowerCase();
  if (/\.(csv|tsv|txt)$/.test(name)) return { format: 'csv', gzip: false };
  if (/\.(csv|tsv|txt)\.gz$/.test(name)) return { format: 'csv', gzip: true };
  if (name.endsWith('.xlsx')) return { format: 'xlsx', gzip: false };
  return null;
}

const display = (absolute: string): string => {
  const relative = path.relative(process.cwd(), absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
};

export function discoverFiles(target: string): readonly InputFile[] {
  const absolute = path.resolve(target);
  let stats;
  try {
    stats = statSync(absolute);
  } catch (error) {
    throw new StrataError('STRATA_ERR_FILE_NOT_FOUND', `no such file or folder`, { cause: error, location: { file: target } });
  }
  if (stats.isFile()) {
    const kind = classify(absolute);
    if (!kind) {
      throw new StrataError('STRATA_ERR_FILE_TYPE', 'unsupported file type: expected .csv, .tsv, .txt, .csv.gz or .xlsx', { location: { file: target } });
    }
    return [{ path: absolute, displayPath: display(absolute), ...kind }];
  }
  return readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && classify(entry.name) !== null)
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(absolute, name);
      return { path: file, displayPath: display(file), ...classify(name)! };
    });
}
