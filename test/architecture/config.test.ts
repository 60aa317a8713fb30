import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

describe('configuration', () => {
  it('has defaults and is frozen', () => {
    const config = loadConfig({}, {});
    expect(config.dataDir).toBe('data');
    expect(config.warehousePath).toBe('data/strata.duckdb');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes settings from the environment', () => {
    const config = loadConfig({}, { STRATA_DATA_DIR: '/srv/strata', STRATA_DEFAULT_DATE_ORDER: 'dmy', STRATA_MAX_LINE_BYTES: '2048' });
    expect(config).toMatchObject({ dataDir: '/srv/strata', warehousePath: '/srv/strata/strata.duckdb', defaultDateOrder: 'dmy', maxLineBytes: 2048 });
  });

  it('names the bad environment variable', () => {
    expect(() => loadConfig({}, { STRATA_DEFAULT_DATE_ORDER: 'ymd' })).toThrow(/STRATA_DEFAULT_DATE_ORDER/);
    expect(() => loadConfig({}, { STRATA_MAX_LINE_BYTES: 'lots' })).toThrow(/STRATA_MAX_LINE_BYTES/);
  });

  it('rejects unknown keys', () => {
    expect(() => loadConfig({ dataDirectory: 'x' }, {})).toThrow(/invalid setting/);
  });
});
