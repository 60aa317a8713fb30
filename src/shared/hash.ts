import { createHash, randomUUID } from 'node:crypto';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Time-sortable id with a readable prefix, e.g. `run_20261123T054300_3f2a9c`. */
export function newId(prefix: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
  return `${prefix}_${stamp}_${randomUUID().slice(0, 8)}`;
}
