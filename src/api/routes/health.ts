/** Liveness, readiness, metrics and the OpenAPI document: cheap and public (metrics configurable). */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RouteDeps } from '../route-deps.js';
import { send } from '../plugins/errors.js';

const GOLD_TABLES = ['fact_sales', 'dim_date', 'mart_daily_sales', 'mart_customer_rfm', 'mart_product_performance'];

export async function goldMissing(deps: RouteDeps): Promise<string[]> {
  const rows = await deps.db.query<{ table_name: string }>(
    // Tables or views: a gold model may be either.
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold' AND table_name IN (SELECT unnest($names::VARCHAR[]))`,
    { names: GOLD_TABLES },
  );
  const present = new Set(rows.map((r) => r.table_name));
  return GOLD_TABLES.filter((t) => !present.has(t));
}

export function healthRoutes(app: FastifyInstance, deps: RouteDeps, registry: Registry): void {
  app.get('/health', { config: { access: 'public', rateLimit: false }, schema: { tags: ['operations'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { access: 'public', rateLimit: false }, schema: { tags: ['operations'], summary: 'Readiness: 503 with a reason until the warehouse is open and gold is built' } }, async (request, reply) => {
    if (deps.state.loading) return send(reply, request, 'STRATA_ERR_NOT_READY', deps.state.loading);
    const missing = await goldMissing(deps);
    if (missing.length) return send(reply, request, 'STRATA_ERR_NOT_READY', `gold is not built yet (missing ${missing.map((t) => `gold.${t}`).join(', ')}); run the pipeline`);
    return { status: 'ready', cache: deps.cache.kind, cache_generation: deps.cache.generation, pipeline_busy: deps.runner.busy };
  });

  app.get('/metrics', { config: { access: deps.settings.publicMetrics ? 'public' : 'engineer', rateLimit: false }, schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)' } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
