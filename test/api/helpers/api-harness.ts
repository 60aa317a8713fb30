/**
 * The API over a private copy of the real demo warehouse, the way `strata serve` wires it:
 * one writer, a reader pool on the same instance with file access locked down, users of every role.
 */
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type StrataConfig } from '../../../src/config/index.js';
import { openReaderPool, type ReaderPool, type Warehouse } from '../../../src/engine/index.js';
import { openProjectWarehouse } from '../../../src/pipeline/index.js';
import { buildApp, deriveSecrets, loadApiSettings, type ApiSettings } from '../../../src/api/index.js';
import { addUser } from '../../../src/api/auth/index.js';
import { demoDataDir } from '../../helpers/cli.js';
import { modelsDir } from '../../../src/shared/index.js';
import { demoWarehouseCopy } from './demo-warehouse.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const PASSWORD = 'correct horse battery staple';
export const ROLE_USERS = { viewer: 'vera', analyst: 'anna', engineer: 'eric', admin: 'ada' } as const;
export type TestRole = keyof typeof ROLE_USERS;

export interface Harness {
  readonly app: FastifyInstance;
  readonly config: StrataConfig;
  readonly writer: Warehouse;
  readonly pool: ReaderPool;
  readonly tokens: Readonly<Record<TestRole, string>>;
  /** Independent SQL over the same warehouse, for expected values. */
  sql<T = Record<string, unknown>>(text: string, params?: Record<string, string | number | null>): Promise<T[]>;
  /** GET as a role; parses the JSON body. */
  get(url: string, role?: TestRole | null, headers?: Record<string, string>): Promise<LightMyRequestResponse & { body: string; data: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary by route
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Another app over the same warehouse, e.g. with a tiny rate limit. */
  buildAnother(settings: Partial<Record<keyof ApiSettings, unknown>>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** `configOverrides` go into the config schema (e.g. `redisUrl`). */
export async function startHarness(settings: Partial<Record<keyof ApiSettings, unknown>> = {}, configOverrides: Record<string, unknown> = {}): Promise<Harness> {
  const { dataDir, cleanup } = await demoWarehouseCopy();
  const config = loadConfig({ dataDir, ...configOverrides }, {});
  const { warehouse: writer } = await openProjectWarehouse(config);
  const pool = await openReaderPool({ path: config.warehousePath, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit, connections: 3, defaultTimeoutMs: 20_000 });
  await pool.lockDown([dataDir, demoDataDir, modelsDir()].map((d) => `${path.resolve(d)}${path.sep}`));
  const secrets = deriveSecrets(TEST_SECRET);
  const make = (extra: Partial<Record<keyof ApiSettings, unknown>>) =>
    buildApp({ reader: pool, writer, config, secrets, settings: loadApiSettings({ rateLimitMax: 100_000, loginRateLimitMax: 10_000, ...settings, ...extra }, {}) });
  const app = await make({});
  const others: FastifyInstance[] = [];

  const tokens = {} as Record<TestRole, string>;
  for (const [role, user] of Object.entries(ROLE_USERS) as [TestRole, string][]) {
    await addUser(pool, user, PASSWORD, role);
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: PASSWORD } });
    if (response.statusCode !== 200) throw new Error(`login as ${user} failed: ${response.body}`);
    tokens[role] = response.json().access_token;
  }

  return {
    app,
    config,
    writer,
    pool,
    tokens,
    sql: (text, params) => writer.query(text, params) as never,
    async get(url, role = 'admin', headers = {}) {
      const response = await app.inject({ method: 'GET', url, headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...headers } });
      let data: unknown = undefined;
      try {
        data = JSON.parse(response.body);
      } catch {
        data = undefined;
      }
      return Object.assign(response, { data });
    },
    inject: (options) => app.inject(options),
    async buildAnother(extra) {
      const other = await make(extra);
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      await pool.close();
      await writer.close();
      cleanup();
    },
  };
}
