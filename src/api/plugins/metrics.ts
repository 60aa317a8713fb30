/**
 * Prometheus metrics on a registry of the app's own: request rate, errors and latency by route,
 * cache hits, pipeline runs, and data figures read from the warehouse at scrape time.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QuerySource } from '../../analytics/index.js';
import type { PipelineResult } from '../../pipeline/index.js';
import type { CacheEvents } from './cache.js';

export interface ApiMetrics extends CacheEvents {
  readonly registry: Registry;
  pipelineCompleted(result: PipelineResult): void;
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createMetrics(db: QuerySource): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const requests = new Counter({ name: 'strata_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'strata_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const cacheRequests = new Counter({ name: 'strata_cache_requests_total', help: 'Response cache lookups', labelNames: ['route', 'result'], registers: [registry] });
  const runs = new Counter({ name: 'strata_pipeline_runs_total', help: 'Pipeline runs started by the server', labelNames: ['status'], registers: [registry] });
  const runSeconds = new Gauge({ name: 'strata_pipeline_last_run_duration_seconds', help: 'Duration of the last pipeline run', registers: [registry] });
  new Gauge({
    name: 'strata_data_rows',
    help: 'Rows per layer in the warehouse (and bronze batches)',
    labelNames: ['layer'],
    registers: [registry],
    async collect() {
      try {
        const [row] = await db.query<Record<string, number>>(
          `SELECT (SELECT count(*) FROM bronze.transactions_raw)::DOUBLE AS bronze, (SELECT count(*) FROM silver.transactions)::DOUBLE AS silver,
                  (SELECT count(*) FROM quality.quarantine)::DOUBLE AS quarantine,
                  (SELECT count(*) FROM bronze.batches)::DOUBLE AS batches`,
        );
        for (const [layer, value] of Object.entries(row ?? {})) this.set({ layer }, value);
      } catch {
        // A scrape during startup (no tables yet) reports nothing rather than failing.
      }
    },
  });
  return {
    registry,
    hit: (route) => cacheRequests.inc({ route, result: 'hit' }),
    miss: (route) => cacheRequests.inc({ route, result: 'miss' }),
    bypass: (route) => cacheRequests.inc({ route, result: 'bypass' }),
    pipelineCompleted(result) {
      runs.inc({ status: result.status });
      runSeconds.set(result.durationMs / 1000);
    },
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
  };
}

export function registerMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'not_found', reply.statusCode, reply.elapsedTime / 1000);
  });
}
