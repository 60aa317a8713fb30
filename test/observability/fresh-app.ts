/**
 * The API over a fresh, empty warehouse in a temp data folder, wired the way `strata serve`
 * wires it (one writer, a locked-down reader pool on the same instance), with its log captured:
 * every JSON line the server writes lands in `logs`.
 */
import { Writable } from 'node:stream';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, deriveSecrets, loadApiSettings } from '../../src/api/index.js';
import { addUser } from '../../src/api/auth/index.js';
import { loadConfig, type StrataConfig } from '../../src/config/index.js';
import { openReaderPool, type ReaderPool, type Warehouse } from '../../src/engine/index.js';
import { httpLoggerOptions } from '../../src/observability/index.js';
import { openProjectWarehouse } from '../../src/pipeline/index.js';
import { modelsDir } from '../../src/shared/index.js';
import { tempDir } from '../helpers/cli.js';

export const ADMIN_PASSWORD = 'a-long-admin-password-1234';
export const SECRET = 'observability-test-secret-long-enough-for-hs256-xyz';

export interface FreshApp {
  readonly app: FastifyInstance;
  readonly config: StrataConfig;
  readonly writer: Warehouse;
  readonly pool: ReaderPool;
  readonly dataDir: string;
  readonly salt: string;
  readonly logs: string[];
  /** Parsed log lines. */
  lines(): Record<string, unknown>[];
  login(): Promise<string>;
  sql<T = Record<string, unknown>>(text: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function startFreshApp(configOverrides: Record<string, unknown> = {}, beforeBuild?: (dataDir: string) => void): Promise<FreshApp> {
  const temp = tempDir('strata-obs-');
  beforeBuild?.(temp.dir);
  const config = loadConfig({ dataDir: temp.dir, duckdbThreads: 2, ...configOverrides }, {});
  const { warehouse: writer } = await openProjectWarehouse(config);
  const pool = await openReaderPool({ path: config.warehousePath, threads: config.duckdbThreads, memoryLimit: config.duckdbMemoryLimit, connections: 2, defaultTimeoutMs: 20_000 });
  await pool.lockDown([temp.dir, modelsDir()].map((d) => `${path.resolve(d)}${path.sep}`));
  const secrets = deriveSecrets(SECRET);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(line);
      done();
    },
  });
  const app = await buildApp({
    reader: pool,
    writer,
    config,
    secrets,
    settings: loadApiSettings({ rateLimitMax: 100_000, loginRateLimitMax: 10_000 }, {}),
    logger: httpLoggerOptions({ level: 'debug', pseudonymSalt: secrets.pseudonymSalt, stream }),
  });
  await addUser(pool, 'admin', ADMIN_PASSWORD, 'admin');
  return {
    app,
    config,
    writer,
    pool,
    dataDir: temp.dir,
    salt: secrets.pseudonymSalt,
    logs,
    lines: () => logs.map((l) => JSON.parse(l) as Record<string, unknown>),
    async login() {
      const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
      return response.json().access_token as string;
    },
    sql: (text) => writer.query(text) as never,
    async close() {
      await app.close();
      await pool.close();
      await writer.close();
      temp.cleanup();
    },
  };
}

/** Value of one sample in Prometheus text, e.g. sample(text, 'strata_x', { asset: 'ingest' }); null if absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries([...(match[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(got).length !== Object.keys(labels).length) continue;
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(match[4]);
  }
  return null;
}
