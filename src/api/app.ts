/**
 * The Fastify app factory. Everything it needs comes in through `deps`, so tests build it over
 * a real warehouse and call it with `app.inject` or a listening socket.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { QuerySource } from '../analytics/index.js';
import type { StrataConfig } from '../config/index.js';
import type { Warehouse } from '../engine/index.js';
import { loadApiSettings, type ApiSettings } from './api-settings.js';
import { createTokenSigner, type ApiSecrets, type SqlRunner } from './auth/index.js';
import './fastify-types.js';
import { createPipelineRunner, type PipelineRunner } from './pipeline-runner.js';
import type { QueueExecution } from './queued-runs.js';
import { registerAuth } from './plugins/auth.js';
import { registerCache } from './plugins/cache.js';
import { registerErrorHandling } from './plugins/errors.js';
import { createMetrics, registerMetrics } from './plugins/metrics.js';
import { registerRateLimit } from './plugins/rate-limit.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { createApiBackends, type ApiBackends, type CacheBackend } from './backends/index.js';
import { genRequestId, registerRequestId } from './plugins/request-id.js';
import { registerObservability } from './observability-routes.js';
import { logRunEvents } from './run-logging.js';
import type { AppState, RouteDeps } from './route-deps.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { consoleRoutes } from './routes/console.js';
import { customerRoutes } from './routes/customers.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { insightRoutes } from './routes/insights.js';
import { operationRoutes } from './routes/operations.js';
import { productRoutes } from './routes/products.js';
import { realtimeRoutes } from './routes/realtime.js';
import { salesRoutes } from './routes/sales.js';
import { ErrorResponse } from './schemas.js';

export interface AppDeps {
  /** Where reads go: the reader pool (with query deadlines) in the server, or the warehouse itself. */
  readonly reader: QuerySource & SqlRunner;
  /** The one writer: pipeline runs and erasure. */
  readonly writer: Warehouse;
  /** Queue execution (STRATA_EXECUTION=queue): runs' steps go to `strata worker` processes. */
  readonly queue?: QueueExecution;
  readonly config: StrataConfig;
  readonly secrets: ApiSecrets;
  readonly settings?: ApiSettings;
  readonly logger?: FastifyServerOptions['logger'];
  /** Cache and rate-limit backends; by default from the config (Redis when `redisUrl` is set), closed with the app. */
  readonly backends?: ApiBackends;
  /** Folder of a built dashboard to serve under /app/, if any. */
  readonly staticDir?: string;
}

export interface StrataHandles {
  readonly runner: PipelineRunner;
  readonly cache: CacheBackend;
  readonly state: AppState;
  readonly settings: ApiSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    strata: StrataHandles;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const settings = deps.settings ?? loadApiSettings();
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: settings.bodyLimitBytes,
    trustProxy: settings.trustProxy,
    return503OnClosing: true,
    genReqId: genRequestId,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });

  const runner = createPipelineRunner(deps.writer, deps.config, deps.queue);
  const state: AppState = { loading: null };
  const metrics = createMetrics(deps.reader);
  const backends = deps.backends ?? createApiBackends(deps.config, { cacheEntries: settings.cacheEntries, cacheTtlSeconds: settings.cacheTtlSeconds, registry: metrics.registry, log: app.log });
  if (!deps.backends) app.addHook('onClose', () => backends.close());
  const cache = backends.cache;
  runner.onCompleted(async (result) => {
    metrics.pipelineCompleted(result);
    // Every gold table may have changed: no cached response (in any replica) survives a run.
    await cache.invalidate();
  });
  runner.events.onAny((event) => metrics.pipelineEvent(event));
  logRunEvents(runner.events, app.log);
  app.decorate('strata', { runner, cache, state, settings });

  registerErrorHandling(app);
  registerMetrics(app, metrics);
  registerRequestId(app);
  // No upgrade-insecure-requests: on a plain-HTTP host it would send the dashboard's calls to https.
  registerSecurityHeaders(app, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  registerRateLimit(app, settings, backends.rateLimits);
  const signer = createTokenSigner(deps.secrets.jwtKey, settings.accessTokenTtlSeconds);
  const apiKeys = registerAuth(app, { signer, db: deps.reader });
  registerCache(app, cache, metrics);

  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Strata Analytics API', version: '1', description: 'Gold-layer analytics, ingest and privacy endpoints. Errors are `{ error: { code, message } }` with stable codes.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  const routeDeps: RouteDeps = { db: deps.reader, runner, config: deps.config, settings, secrets: deps.secrets, signer, cache, apiKeys, state };
  healthRoutes(app, routeDeps, metrics.registry);
  authRoutes(app, routeDeps);
  salesRoutes(app, routeDeps);
  realtimeRoutes(app, routeDeps);
  customerRoutes(app, routeDeps);
  productRoutes(app, routeDeps);
  insightRoutes(app, routeDeps);
  operationRoutes(app, routeDeps);
  ingestRoutes(app, routeDeps);
  adminRoutes(app, routeDeps);
  consoleRoutes(app, routeDeps);
  registerObservability(app, routeDeps, metrics.strata);

  if (deps.staticDir && existsSync(path.join(deps.staticDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(deps.staticDir), prefix: '/app/' });
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/app/'));
  }
  return app;
}
