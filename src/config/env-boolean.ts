/**
 * A boolean setting read from the environment: only true/false/1/0 (any case) are accepted, so a
 * typo such as `yes` or `ture` stops the start with a message instead of silently meaning false.
 */
import { z } from 'zod';

const WORDS: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false };

export function envBoolean(): z.ZodType<boolean, unknown> {
  return z.preprocess((v) => (typeof v === 'string' ? (WORDS[v.trim().toLowerCase()] ?? v) : v), z.boolean({ error: 'expected true, false, 1 or 0' }));
}
