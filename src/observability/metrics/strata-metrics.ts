/**
 * Every Prometheus metric Strata exports, on a registry of its own (docs/observability.md lists
 * them). Labels are bounded: route templates (never raw URLs), asset keys from the asset graph,
 * rule ids, batch sources; never batch ids, files or customers. Counters and histograms count what
 * this process did; gauges marked "from the warehouse" are read at scrape time, so they agree with
 * the warehouse and survive restarts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SqlSource } from '../sql-source.js';
import { createRollingCounts, type RollingCounts } from './rolling-counts.js';
import { readWarehouseSnapshot, type WarehouseSnapshot } from './warehouse-snapshot.js';

/** A pipeline event as the bus carries it, reduced to what metrics read (kept structural: observability sits below pipeline). */
export interface StepEvent {
  readonly kind: string;
  readonly runId: string;
  readonly stepId?: string;
  readonly asset?: string;
}

/** Rows one asset took in and gave out in a run. */
export interface AssetRows {
  readonly asset: string;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly rowsQuarantined?: number;
  readonly duplicatesRemoved?: number;
}

export interface RunFigures {
  readonly status: string;
  readonly durationMs: number;
  readonly assets: readonly AssetRows[];
  /** Failing rows per quality rule in this run. */
  readonly ruleFailures: Readonly<Record<string, number>>;
}

export interface StrataMetrics {
  readonly registry: Registry;
  readonly apiWindow: RollingCounts;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One response-cache lookup; a bypass (cache backend unavailable) counts against the hit ratio. */
  cacheLookup(route: string, result: 'hit' | 'miss' | 'bypass'): void;
  /** Feed every pipeline event (step durations). */
  pipelineEvent(event: StepEvent, nowMs?: number): void;
  pipelineCompleted(run: RunFigures): void;
  /** The warehouse figures as of the last scrape (refreshed when older than a second). */
  snapshot(): Promise<WarehouseSnapshot>;
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Routes that are probes, not traffic: they stay in the counters but not in the health score's window. */
const PROBES = new Set(['/metrics', '/health', '/ready']);

export function createStrataMetrics(db: SqlSource | null, options: { readonly defaultMetrics?: boolean } = {}): StrataMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const registers = [registry];
  const apiWindow = createRollingCounts();

  // HTTP: rate, errors and latency by route template.
  const requests = new Counter({ name: 'strata_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: ['method', 'route', 'status'], registers });
  const errors = new Counter({ name: 'strata_http_request_errors_total', help: 'HTTP responses with status 4xx or 5xx, by route template and status class', labelNames: ['method', 'route', 'class'], registers });
  const duration = new Histogram({ name: 'strata_http_request_duration_seconds', help: 'HTTP request latency by route template', labelNames: ['method', 'route'], buckets: HTTP_BUCKETS, registers });

  // Cache.
  const cacheRequests = new Counter({ name: 'strata_cache_requests_total', help: 'Response cache lookups by route template and result', labelNames: ['route', 'result'], registers });
  let hits = 0;
  let lookups = 0;
  new Gauge({
    name: 'strata_cache_hit_ratio',
    help: 'Share of response cache lookups answered from the cache since the process started (0-1; absent before the first lookup)',
    registers,
    collect() {
      if (lookups > 0) this.set(hits / lookups);
    },
  });

  // Pipeline: what this process ran.
  const runs = new Counter({ name: 'strata_pipeline_runs_total', help: 'Pipeline runs finished by this process, by status', labelNames: ['status'], registers });
  const runSeconds = new Gauge({ name: 'strata_pipeline_last_run_duration_seconds', help: 'Duration of the last pipeline run of this process', registers });
  const runHistogram = new Histogram({ name: 'strata_pipeline_run_duration_seconds', help: 'Pipeline run durations by status', labelNames: ['status'], buckets: STEP_BUCKETS, registers });
  const stepSeconds = new Histogram({ name: 'strata_pipeline_step_duration_seconds', help: 'Pipeline step durations (all attempts) by asset and outcome', labelNames: ['asset', 'status'], buckets: STEP_BUCKETS, registers });
  const rowsIn = new Counter({ name: 'strata_pipeline_rows_in_total', help: 'Rows each asset read in (ingest: rows landed from files; quality_silver: bronze rows checked)', labelNames: ['asset'], registers });
  const rowsOut = new Counter({ name: 'strata_pipeline_rows_out_total', help: 'Rows each asset wrote (ingest: bronze; quality_silver: silver; gold models: rows of the model)', labelNames: ['asset'], registers });
  const rowsQuarantined = new Counter({ name: 'strata_pipeline_rows_quarantined_total', help: 'Rows quarantined by quality rules, by asset', labelNames: ['asset'], registers });
  const duplicates = new Counter({ name: 'strata_pipeline_duplicates_removed_total', help: 'Exact duplicate rows removed, by asset', labelNames: ['asset'], registers });
  const ruleFailureCounter = new Counter({ name: 'strata_quality_rule_failures_total', help: 'Rows failing each quality rule in runs of this process', labelNames: ['rule'], registers });
  const stepStarts = new Map<string, number>();

  // From the warehouse, at scrape time.
  let cached: { at: number; value: Promise<WarehouseSnapshot> } | null = null;
  const empty: WarehouseSnapshot = { layerRows: [], latestBatch: [], ruleFailures: [], assets: [], streams: [], latestDay: null, lastRuns: [] };
  const snapshot = (): Promise<WarehouseSnapshot> => {
    if (!db) return Promise.resolve(empty);
    const now = Date.now();
    if (!cached || now - cached.at > 1000) cached = { at: now, value: readWarehouseSnapshot(db) };
    return cached.value;
  };
  const fromWarehouse = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (s: WarehouseSnapshot, set: (labels: Record<L, string>, value: number) => void) => void): void => {
    new Gauge<L>({
      name,
      help: `${help} (from the warehouse)`,
      labelNames: [...labelNames],
      registers,
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(s, (labels, value) => (labelNames.length ? this.set(labels as never, value) : this.set(value)));
      },
    });
  };
  fromWarehouse('strata_data_rows', 'Rows per layer (and bronze batches)', ['layer'], (s, set) => s.layerRows.forEach((r) => set({ layer: r.layer }, r.rows)));
  fromWarehouse('strata_quality_batch_score', 'Quality score (0-100) of the latest processed batch of each source', ['source'], (s, set) => s.latestBatch.forEach((b) => set({ source: b.source }, b.score)));
  fromWarehouse('strata_quality_batch_rows', 'Rows of the latest processed batch of each source, in and quarantined', ['source', 'outcome'], (s, set) =>
    s.latestBatch.forEach((b) => {
      set({ source: b.source, outcome: 'in' }, b.rowsIn);
      set({ source: b.source, outcome: 'quarantined' }, b.rowsQuarantined);
    }),
  );
  fromWarehouse('strata_quality_batch_processed_timestamp_seconds', 'When the latest batch of each source was processed (Unix time)', ['source'], (s, set) => s.latestBatch.forEach((b) => set({ source: b.source }, b.processedAt)));
  fromWarehouse('strata_quality_rule_failed_rows', 'Rows failing each rule over every batch and model check', ['rule', 'severity'], (s, set) => s.ruleFailures.forEach((r) => set({ rule: r.rule, severity: r.severity }, r.rows)));
  fromWarehouse('strata_asset_last_materialized_timestamp_seconds', 'When each asset was last materialised (Unix time)', ['asset'], (s, set) => s.assets.forEach((a) => set({ asset: a.asset }, a.lastMaterializedAt)));
  fromWarehouse('strata_asset_freshness_seconds', 'Seconds since each asset was last materialised', ['asset'], (s, set) => s.assets.forEach((a) => set({ asset: a.asset }, Math.max(0, Date.now() / 1000 - a.lastMaterializedAt))));
  fromWarehouse('strata_pipeline_last_run_timestamp_seconds', 'When the latest run of each outcome finished (Unix time)', ['status'], (s, set) => s.lastRuns.forEach((r) => set({ status: r.status }, r.finishedAt)));
  fromWarehouse('strata_stream_watermark_timestamp_seconds', 'Latest event time seen on each stream (Unix time)', ['stream'], (s, set) => s.streams.forEach((x) => x.watermark !== null && set({ stream: x.stream }, x.watermark)));
  fromWarehouse('strata_stream_last_applied_timestamp_seconds', 'When the latest stream message was committed to bronze (Unix time)', ['stream'], (s, set) => s.streams.forEach((x) => x.lastAppliedAt !== null && set({ stream: x.stream }, x.lastAppliedAt)));
  fromWarehouse('strata_stream_apply_lag_seconds', 'Broker-to-bronze delay of the latest stream message committed', ['stream'], (s, set) => s.streams.forEach((x) => x.applyLagSeconds !== null && set({ stream: x.stream }, x.applyLagSeconds)));
  fromWarehouse('strata_business_latest_day_revenue_gbp', 'Net revenue of the latest day with sales, GBP', [], (s, set) => s.latestDay && set({}, s.latestDay.revenueGbp));
  fromWarehouse('strata_business_latest_day_orders', 'Orders (sale invoices) of the latest day with sales', [], (s, set) => s.latestDay && set({}, s.latestDay.orders));
  fromWarehouse('strata_business_latest_day_timestamp_seconds', 'The latest day with sales (midnight UTC, Unix time)', [], (s, set) => s.latestDay && set({}, s.latestDay.day));

  return {
    registry,
    apiWindow,
    snapshot,
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
      if (status >= 400) errors.inc({ method, route, class: status >= 500 ? '5xx' : '4xx' });
      if (!PROBES.has(route)) apiWindow.add(status >= 500);
    },
    cacheLookup(route, result) {
      cacheRequests.inc({ route, result });
      lookups++;
      if (result === 'hit') hits++;
    },
    pipelineEvent(event, nowMs = performance.now()) {
      if (!event.stepId) return;
      const key = `${event.runId}/${event.stepId}`;
      if (event.kind === 'step_started') {
        if (!stepStarts.has(key)) stepStarts.set(key, nowMs);
        return;
      }
      const outcome = event.kind === 'step_succeeded' ? 'succeeded' : event.kind === 'step_failed' ? 'failed' : null;
      const started = stepStarts.get(key);
      if (event.kind === 'step_skipped') stepStarts.delete(key);
      if (!outcome || started === undefined) return;
      stepStarts.delete(key);
      stepSeconds.observe({ asset: event.asset ?? event.stepId, status: outcome }, (nowMs - started) / 1000);
    },
    pipelineCompleted(run) {
      // The warehouse changed: the next scrape (or alert evaluation) must not see the snapshot from before the run.
      cached = null;
      runs.inc({ status: run.status });
      runSeconds.set(run.durationMs / 1000);
      runHistogram.observe({ status: run.status }, run.durationMs / 1000);
      for (const a of run.assets) {
        // inc(0) still creates the series, so a scrape shows the asset ran.
        if (a.rowsIn !== undefined) rowsIn.inc({ asset: a.asset }, a.rowsIn);
        if (a.rowsOut !== undefined) rowsOut.inc({ asset: a.asset }, a.rowsOut);
        if (a.rowsQuarantined !== undefined) rowsQuarantined.inc({ asset: a.asset }, a.rowsQuarantined);
        if (a.duplicatesRemoved !== undefined) duplicates.inc({ asset: a.asset }, a.duplicatesRemoved);
      }
      for (const [rule, failed] of Object.entries(run.ruleFailures)) ruleFailureCounter.inc({ rule }, failed);
    },
  };
}
