/** The Redis and rate-limit settings: validated at start, errors naming the variable and never echoing a password. */
import { describe, expect, it } from 'vitest';
import { loadApiSettings } from '../../../src/api/index.js';
import { redisAddress } from '../../../src/api/backends/index.js';
import { loadConfig } from '../../../src/config/index.js';

describe('Redis and rate-limit settings', () => {
  it('are off by default, and taken from STRATA_REDIS_* and STRATA_API_* variables', () => {
    expect(loadConfig({}, {}).redisUrl).toBeUndefined();
    const config = loadConfig({}, { STRATA_REDIS_URL: 'rediss://:s3cret@cache.internal:6380/2', STRATA_REDIS_KEY_PREFIX: 'shop-a:', STRATA_REDIS_COMMAND_TIMEOUT_MS: '250' });
    expect(config).toMatchObject({ redisUrl: 'rediss://:s3cret@cache.internal:6380/2', redisKeyPrefix: 'shop-a:', redisCommandTimeoutMs: 250 });
    const settings = loadApiSettings({}, { STRATA_API_RATE_LIMIT_MAX: '50', STRATA_API_RATE_LIMIT_IP_MAX: '500', STRATA_API_CACHE_TTL_SECONDS: '120' });
    expect(settings).toMatchObject({ rateLimitMax: 50, rateLimitIpMax: 500, cacheTtlSeconds: 120 });
  });

  it('name the bad variable and never repeat its value', () => {
    for (const [variable, value] of [
      ['STRATA_REDIS_URL', 'http://user:hunter2hunter2@cache:6379'],
      ['STRATA_REDIS_URL', 'redis://'],
      ['STRATA_REDIS_KEY_PREFIX', 'has spaces in it'],
      ['STRATA_REDIS_COMMAND_TIMEOUT_MS', 'soon'],
    ] as const) {
      let message = '';
      try {
        loadConfig({}, { [variable]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, `${variable}=${value}`).toMatch(new RegExp(`^invalid setting ${variable}:`));
      expect(message).not.toContain('hunter2');
    }
    expect(() => loadApiSettings({}, { STRATA_API_RATE_LIMIT_IP_MAX: '0' })).toThrow(/STRATA_API_RATE_LIMIT_IP_MAX/);
  });

  it('log Redis by host and port only', () => {
    expect(redisAddress('redis://:s3cret@cache.internal:6380/2')).toBe('cache.internal:6380');
    expect(redisAddress('redis://127.0.0.1')).toBe('127.0.0.1:6379');
  });
});
