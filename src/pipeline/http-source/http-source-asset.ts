/**
 * An HTTP source as an asset of the graph (`http.<name>`, upstream of ingest) and as the step that
 * materialises it: a pull whose pages ingest then loads. Its retries are the executor's, with the
 * source's own policy; its requests share the resource's circuit breaker and rate budget.
 */
import path from 'node:path';
import type { HttpSourceSettings, StrataConfig } from '../../config/index.js';
import { StrataError } from '../../shared/index.js';
import type { AssetDef } from '../assets/index.js';
import type { StepContext } from '../executor/index.js';
import { processResources, type ResourceRegistry } from '../resilience/index.js';
import { pullPages, startPull, type PulledPage } from './http-pull.js';

export const httpSourceKey = (name: string): string => `http.${name}`;

export interface PullResult {
  readonly source: string;
  readonly resource: string;
  readonly pages: readonly PulledPage[];
  readonly rows: number;
  readonly requests: number;
  readonly dir: string;
}

/** A source asset and how to materialise it; `dir` is where its pages land (ingest's input). */
export interface PipelineSource {
  readonly asset: AssetDef;
  readonly dir: string;
  pull(context: StepContext): Promise<PullResult>;
}

export function httpSourceAsset(name: string, settings: HttpSourceSettings): AssetDef {
  return {
    key: httpSourceKey(name),
    kind: 'http_source',
    description: `Transactions pulled from ${new URL(settings.url).origin}${new URL(settings.url).pathname} (${settings.paging} paging, ${settings.pageSize} per page), landed as one file per page.`,
    deps: [],
    partitioning: 'none',
    retry: { maxAttempts: settings.maxAttempts, baseDelayMs: settings.retryBaseDelayMs, maxDelayMs: settings.retryMaxDelayMs, factor: 2 },
    // Every attempt may wait out rate limits and slow pages; the per-request timeout bounds each one.
    timeoutMs: Math.max(60_000, settings.requestTimeoutMs * 4 * settings.maxAttempts),
    writes: false,
  };
}

/** The configured sources' assets, for the lineage and the docs. */
export const configuredSourceAssets = (config: StrataConfig): AssetDef[] => Object.entries(config.httpSources).map(([name, settings]) => httpSourceAsset(name, settings));

export function sourceSettings(config: StrataConfig, name: string): HttpSourceSettings {
  const settings = config.httpSources[name];
  if (!settings) {
    const known = Object.keys(config.httpSources);
    throw new StrataError('STRATA_ERR_USAGE', `no HTTP source named ${name}; ${known.length ? `configured: ${known.join(', ')}` : 'none is configured (set STRATA_HTTP_SOURCES)'}`);
  }
  return settings;
}

/** The credential header, read from the environment when the pull starts; the value is never logged. */
function credential(name: string, settings: HttpSourceSettings, env: NodeJS.ProcessEnv): readonly [string, string] | null {
  if (!settings.authEnv) return null;
  const secret = env[settings.authEnv];
  if (!secret) throw new StrataError('STRATA_ERR_CONFIG', `HTTP source ${name} takes its credential from ${settings.authEnv}, which is not set`);
  return [settings.authHeader, settings.authScheme ? `${settings.authScheme} ${secret}` : secret];
}

/** The external resource a source's requests count against: its `resource`, else the URL's host. */
export const sourceResourceName = (settings: HttpSourceSettings): string => settings.resource ?? new URL(settings.url).host;

export function httpPipelineSource(
  config: StrataConfig,
  name: string,
  runId: string,
  options: { readonly registry?: ResourceRegistry; readonly env?: NodeJS.ProcessEnv } = {},
): PipelineSource {
  const settings = sourceSettings(config, name);
  const resourceName = sourceResourceName(settings);
  const resource = (options.registry ?? processResources).get(resourceName, {
    breaker: { failureThreshold: settings.failureThreshold, coolDownMs: settings.coolDownMs },
    rate: { ratePerSecond: settings.ratePerSecond, burst: settings.burst },
  });
  const dir = path.resolve(config.dataDir, 'staging', 'http', name, runId);
  const auth = credential(name, settings, options.env ?? process.env);
  // Kept across attempts: a retry resumes at the page that failed.
  const progress = startPull(settings);
  return {
    asset: httpSourceAsset(name, settings),
    dir,
    async pull(context) {
      await pullPages({ name, settings, resource, dir, auth }, progress, context.signal);
      return { source: name, resource: resourceName, pages: progress.pages, rows: progress.pages.reduce((s, p) => s + p.rows, 0), requests: progress.requests, dir };
    },
  };
}
