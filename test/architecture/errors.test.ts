import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StrataError, describeError } from '../../src/shared/index.js';

describe('error codes', () => {
  it('are unique, prefixed and described', () => {
    const codes = Object.keys(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toMatch(/^STRATA_ERR_[A-Z0-9_]+$/);
      expect(ERROR_CODES[code as keyof typeof ERROR_CODES].length).toBeGreaterThan(5);
    }
  });

  it('describe themselves as file:line:column, message and code, keeping the cause', () => {
    const cause = new Error('low level');
    const error = new StrataError('STRATA_ERR_CSV_COLUMNS', 'missing required column unit_price', {
      cause,
      location: { file: 'day.csv', line: 1, column: 'unit_price' },
    });
    expect(describeError(error)).toBe('day.csv:1:unit_price: missing required column unit_price [STRATA_ERR_CSV_COLUMNS]');
    expect(error.cause).toBe(cause);
  });
});
