/**
 * Issue 5.6: every setting can be set by an environment variable, and a bad value stops the start
 * with a message naming the variable, for each kind of value and through the real CLI.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { BAD_VALUE, SETTINGS_SOURCES, directEnvReads, settingKind } from './settings-audit.js';

/**
 * Variables read straight from the environment instead of through a schema. Each is a secret or a
 * command input with its own check: adding one here is a decision, so the list is explicit.
 */
const DIRECT_READS: Readonly<Record<string, string>> = {
  STRATA_JWT_SECRET: 'secret: at least 32 characters, checked by loadSecrets at start',
  STRATA_ADMIN_PASSWORD: 'secret: at least 12 characters, checked when `strata serve` starts',
  STRATA_USER_PASSWORD: 'input of `strata users add`, checked like any password',
  STRATA_DEBUG: 'prints stack traces of unexpected errors; any value turns it on',
};

describe('twelve-factor settings', () => {
  it.each(SETTINGS_SOURCES.map((s) => [s.name, s] as const))('every key of %s has exactly one environment variable', (_name, source) => {
    const keys = Object.keys(source.schema.shape).sort();
    expect(Object.values(source.variables).sort()).toEqual(keys);
    for (const variable of Object.keys(source.variables)) expect(variable).toMatch(/^STRATA_[A-Z0-9_]+$/);
  });

  it('has no environment variable claimed by both schemas', () => {
    const [core, api] = SETTINGS_SOURCES.map((s) => new Set(Object.keys(s.variables)));
    expect([...(core ?? [])].filter((v) => api?.has(v))).toEqual([]);
  });

  it('reads no STRATA_* variable outside the schemas except the listed secrets and inputs', () => {
    const reads = Object.fromEntries([...directEnvReads()].map(([variable, files]) => [variable, files]));
    expect(Object.keys(reads).sort()).toEqual(Object.keys(DIRECT_READS).sort());
  });

  const cases = SETTINGS_SOURCES.flatMap((source) =>
    Object.entries(source.variables).map(([variable, key]) => ({ source, variable, kind: settingKind(source.schema.shape[key]) })),
  );

  it('covers every kind of value', () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['number', 'enum', 'boolean', 'pattern', 'json', 'free-text']));
  });

  it.each(cases.filter((c) => c.kind !== 'free-text').map((c) => [c.variable, c.kind, c] as const))('refuses a bad %s (%s) and names it', (variable, kind, { source }) => {
    const bad = BAD_VALUE[kind as keyof typeof BAD_VALUE];
    expect(() => source.load({ [variable]: bad })).toThrow(new RegExp(`^invalid setting ${variable}: `));
  });

  it('names the variable for out-of-range numbers and fractions', () => {
    const [core, api] = SETTINGS_SOURCES;
    expect(() => core?.load({ STRATA_INGEST_CONCURRENCY: '0' })).toThrow(/invalid setting STRATA_INGEST_CONCURRENCY: /);
    expect(() => core?.load({ STRATA_INGEST_CONCURRENCY: '65' })).toThrow(/invalid setting STRATA_INGEST_CONCURRENCY: /);
    expect(() => api?.load({ STRATA_API_PORT: '65536' })).toThrow(/invalid setting STRATA_API_PORT: /);
    expect(() => api?.load({ STRATA_API_RATE_LIMIT_MAX: '1.5' })).toThrow(/invalid setting STRATA_API_RATE_LIMIT_MAX: /);
    expect(() => core?.load({ STRATA_DUCKDB_MEMORY_LIMIT: '2 parsecs' })).toThrow(/invalid setting STRATA_DUCKDB_MEMORY_LIMIT: /);
    expect(() => core?.load({ STRATA_RUN_HEARTBEAT_EXPIRY_MS: '500' })).toThrow(/^invalid setting STRATA_RUN_HEARTBEAT_EXPIRY_MS: must be at least 2000 ms \(heartbeats are sent every quarter of it\)$/);
    expect(() => core?.load({ STRATA_RUN_HEARTBEAT_EXPIRY_MS: '2500.5' })).toThrow(/^invalid setting STRATA_RUN_HEARTBEAT_EXPIRY_MS: must be a whole number of milliseconds$/);
    expect(core?.load({ STRATA_RUN_HEARTBEAT_EXPIRY_MS: '90000' })).toMatchObject({ runHeartbeatExpiryMs: 90_000 });
  });

  it('reads booleans strictly: true/false/1/0 in any case, nothing else', () => {
    const api = SETTINGS_SOURCES[1];
    expect(api?.load({ STRATA_API_TRUST_PROXY: 'TRUE', STRATA_API_PUBLIC_METRICS: '0' })).toMatchObject({ trustProxy: true, publicMetrics: false });
    expect(() => api?.load({ STRATA_API_PUBLIC_METRICS: 'ture' })).toThrow(/invalid setting STRATA_API_PUBLIC_METRICS: expected true, false, 1 or 0/);
  });

  it('takes every setting from the environment with a good value', () => {
    const [core, api] = SETTINGS_SOURCES;
    expect(core?.load({ STRATA_INGEST_CONCURRENCY: '8', STRATA_LOG_LEVEL: 'debug', STRATA_STREAM_NAME: 'ORDERS_1' })).toMatchObject({ ingestConcurrency: 8, logLevel: 'debug', streamName: 'ORDERS_1' });
    expect(api?.load({ STRATA_API_PORT: '9000', STRATA_API_HOST: '0.0.0.0' })).toMatchObject({ port: 9000, host: '0.0.0.0' });
  });
});

describe('a bad setting stops `strata serve` before it listens', () => {
  const data = tempDir('strata-settings-');
  afterAll(() => data.cleanup());

  it.each([
    ['STRATA_LOG_LEVEL', 'loud', /invalid setting STRATA_LOG_LEVEL: /],
    ['STRATA_API_PORT', 'http', /invalid setting STRATA_API_PORT: /],
    ['STRATA_API_PUBLIC_METRICS', 'yes', /invalid setting STRATA_API_PUBLIC_METRICS: expected true, false, 1 or 0/],
    ['STRATA_JWT_SECRET', 'short', /invalid setting STRATA_JWT_SECRET: at least 32 characters/],
    ['STRATA_ADMIN_PASSWORD', 'short', /invalid setting STRATA_ADMIN_PASSWORD: at least 12 characters/],
  ])('%s=%s', async (variable, value, message) => {
    // Port 0 unless the port is the bad setting (a --port flag would override the variable).
    const result = await runCli(['serve'], { dataDir: data.dir, env: { STRATA_API_PORT: '0', [variable]: value }, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('[STRATA_ERR_CONFIG]');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stdout).toBe('');
  });
});
