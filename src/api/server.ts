/**
 * `strata serve`: the process that owns the warehouse. Opens it once for writing, adds a pool of
 * read connections on the same instance with file access locked down, creates the first admin if
 * there is none, listens, and (with `demo`) loads the demo data while /ready says so. With
 * STRATA_EXECUTION=queue its runs' steps go to `strata worker`s (see queued-runs.ts).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { StrataConfig } from '../config/index.js';
import type { ReaderPool } from '../engine/index.js';
import { httpLoggerOptions } from '../observability/index.js';
import { StrataError, modelsDir } from '../shared/index.js';
import { eventMirrorFor } from '../pipeline/index.js';
import { loadApiSettings, type ApiSettings } from './api-settings.js';
import { buildApp } from './app.js';
import { addUser, countUsers, loadSecrets } from './auth/index.js';
import { openServerWarehouse } from './queued-runs.js';
import { goldMissing } from './routes/health.js';

export interface ServeOptions {
  /** Load this folder through the pipeline when gold is missing (`npm start`). */
  readonly demoDir?: string;
  readonly settings?: Partial<Record<keyof ApiSettings, unknown>>;
  /** Where to print what a person needs (URL, first admin). Never used for secrets other than the one-time bootstrap password. */
  readonly say: (line: string) => void;
  readonly logLevel?: string;
  readonly staticDir?: string;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** STRATA_ADMIN_PASSWORD, checked at start (not only when the first admin is created) so a bad value never goes unnoticed. */
function adminPasswordFromEnv(): string | undefined {
  const fromEnv = process.env['STRATA_ADMIN_PASSWORD'];
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (fromEnv.length < 12) throw new StrataError('STRATA_ERR_CONFIG', 'invalid setting STRATA_ADMIN_PASSWORD: at least 12 characters');
  return fromEnv;
}

async function bootstrapAdmin(pool: ReaderPool, fromEnv: string | undefined, say: (line: string) => void): Promise<void> {
  if ((await countUsers(pool)) > 0) return;
  const password = fromEnv ?? randomBytes(12).toString('base64url');
  await addUser(pool, 'admin', password, 'admin');
  say(
    fromEnv
      ? 'created user admin with the password from STRATA_ADMIN_PASSWORD'
      : `created user admin with password ${password} (shown once; add users with \`strata users add\` or POST /api/v1/admin/users)`,
  );
}

export async function startServer(config: StrataConfig, options: ServeOptions): Promise<RunningServer> {
  const settings = loadApiSettings(options.settings ?? {});
  const adminPassword = adminPasswordFromEnv();
  const secrets = loadSecrets(config.dataDir);
  // The pipeline reads staged files, the seeds under models/, and the demo folder; nothing else.
  const allowed = [path.resolve(config.dataDir), path.dirname(path.resolve(config.warehousePath)), modelsDir(), ...(options.demoDir ? [path.resolve(options.demoDir)] : [])];
  const warehouse = await openServerWarehouse(config, { connections: settings.readerConnections, defaultTimeoutMs: settings.queryTimeoutMs, allowed: allowed.map((d) => `${d}${path.sep}`), warn: (note) => options.say(`warning: ${note}`) });
  const { writer, readers } = warehouse;
  try {
    await bootstrapAdmin(readers, adminPassword, options.say);
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  const app = await buildApp({
    reader: readers,
    writer,
    ...(warehouse.queue ? { queue: warehouse.queue } : {}),
    config,
    secrets,
    settings,
    logger: httpLoggerOptions({ level: options.logLevel ?? config.logLevel, pseudonymSalt: secrets.pseudonymSalt }),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
  const url = await app.listen({ host: settings.host, port: settings.port });
  app.alerts.start();
  // Every run's events, mirrored to NATS when configured; a NATS outage never reaches a run.
  const mirror = eventMirrorFor(config, app.strata.runner.events, (message) => options.say(`note: ${message}`));

  let ready: Promise<void> = Promise.resolve();
  if (options.demoDir) {
    const missing = await goldMissing({ db: readers } as never);
    if (missing.length) {
      app.strata.state.loading = 'loading the demo data into the warehouse';
      options.say(`loading the demo data (about half a minute); ${url}/ready answers 503 until it is done`);
      ready = app.strata.runner
        .run({ inputs: [options.demoDir], command: 'demo' })
        .then((result) => options.say(`demo data loaded: run ${result.runId} ${result.status} in ${result.durationMs} ms`))
        .finally(() => {
          app.strata.state.loading = null;
        });
    }
  }
  return {
    app,
    url,
    ready,
    async close() {
      await mirror?.close();
      await app.close();
      await warehouse.close();
    },
  };
}
