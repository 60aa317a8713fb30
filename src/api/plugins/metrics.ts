/**
 * Prometheus metrics for the API process: the metric set lives in src/observability (names in
 * docs/observability.md); this adapter feeds it requests (by route template), cache lookups and
 * pipeline runs and events.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { QuerySource } from '../../analytics/index.js';
import { createStrataMetrics, type AssetRows, type StrataMetrics } from '../../observability/index.js';
import type { PipelineEvent, PipelineResult } from '../../pipeline/index.js';
import type { CacheEvents } from './cache.js';

export interface ApiMetrics extends CacheEvents {
  readonly registry: Registry;
  readonly strata: StrataMetrics;
  pipelineCompleted(result: PipelineResult): void;
  pipelineEvent(event: PipelineEvent): void;
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** Rows in, out and quarantined per asset, from a run's result. */
export function assetRowsOf(result: PipelineResult): AssetRows[] {
  const loaded = result.files.flatMap((f) => (f.status === 'loaded' ? [f.batch.rowsIn] : []));
  const rows: AssetRows[] = [];
  if (result.files.length) rows.push({ asset: 'ingest', rowsIn: loaded.reduce((s, n) => s + n, 0), rowsOut: loaded.reduce((s, n) => s + n, 0) });
  if (result.batches.length) {
    rows.push({ asset: 'quality_silver', rowsIn: result.totals.rows_in, rowsOut: result.totals.rows_to_silver, rowsQuarantined: result.totals.rows_quarantined, duplicatesRemoved: result.totals.duplicates_removed });
  }
  for (const model of result.gold?.models ?? []) rows.push({ asset: `gold.${model.name}`, rowsOut: model.rows });
  return rows;
}

export function createMetrics(db: QuerySource): ApiMetrics {
  const strata = createStrataMetrics(db);
  return {
    registry: strata.registry,
    strata,
    hit: (route) => strata.cacheLookup(route, 'hit'),
    miss: (route) => strata.cacheLookup(route, 'miss'),
    bypass: (route) => strata.cacheLookup(route, 'bypass'),
    pipelineCompleted(result) {
      strata.pipelineCompleted({ status: result.status, durationMs: result.durationMs, assets: assetRowsOf(result), ruleFailures: result.quality?.ruleFailures ?? {} });
    },
    pipelineEvent: (event) => strata.pipelineEvent(event),
    observe: (method, route, status, seconds) => strata.observeRequest(method, route, status, seconds),
  };
}

export function registerMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(request.method, request.routeOptions.url ?? 'not_found', reply.statusCode, reply.elapsedTime / 1000);
  });
}
