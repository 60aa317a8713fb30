/**
 * Upload file names come from the client: keep only the last path segment, only safe characters,
 * no leading dots, a bounded length and an extension the pipeline reads. Anything else is refused.
 */
import { StrataError } from '../shared/index.js';

const ALLOWED = /\.(csv|tsv|txt)(\.gz)?$|\.xlsx$/i;

export function sanitiseUploadName(raw: string | undefined): string {
  const last = (raw ?? '').normalize('NFKC').split(/[\\/]/).pop() ?? '';
  const cleaned = last
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/^[._-]+/, '')
    .slice(-120);
  if (!cleaned || !ALLOWED.test(cleaned)) {
    throw new StrataError('STRATA_ERR_FILE_TYPE', 'unsupported file: expected a .csv, .tsv, .txt (optionally .gz) or .xlsx file name', { details: { parameter: 'file' } });
  }
  return cleaned;
}
