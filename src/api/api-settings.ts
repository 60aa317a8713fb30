/**
 * API settings: defaults, STRATA_API_* environment overrides, unknown keys rejected, frozen.
 * (Kept here until they move into src/config's one schema.)
 */
import { z } from 'zod';
import { envBoolean } from '../config/index.js';
import { StrataError } from '../shared/index.js';

const schema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65_535).default(8080),
    /** Requests per window per principal (user or API key), counted after authentication. */
    rateLimitMax: z.coerce.number().int().min(1).default(600),
    /** Requests per window per client IP, counted before authentication; applies as well as the principal's. */
    rateLimitIpMax: z.coerce.number().int().min(1).default(1_200),
    rateLimitWindowMs: z.coerce.number().int().min(100).default(60_000),
    /** Login and refresh attempts per window per IP. */
    loginRateLimitMax: z.coerce.number().int().min(1).default(20),
    bodyLimitBytes: z.coerce.number().int().min(1024).default(1_048_576),
    ingestBodyLimitBytes: z.coerce.number().int().min(1024).default(20 * 1_048_576),
    uploadLimitBytes: z.coerce.number().int().min(1024).default(100 * 1_048_576),
    queryTimeoutMs: z.coerce.number().int().min(1).default(10_000),
    readerConnections: z.coerce.number().int().min(1).max(32).default(4),
    cacheEntries: z.coerce.number().int().min(0).default(2_000),
    /** How long a response stays in the Redis cache (a run invalidates it sooner); bounds the memory old generations hold. */
    cacheTtlSeconds: z.coerce.number().int().min(1).max(86_400).default(3_600),
    accessTokenTtlSeconds: z.coerce.number().int().min(30).max(86_400).default(900),
    /** Whether /metrics is served without a token (for a Prometheus scraper on a private network). */
    publicMetrics: envBoolean().default(true),
    trustProxy: envBoolean().default(false),
  })
  .strict();

export type ApiSettings = Readonly<z.infer<typeof schema>>;

const ENV: Readonly<Record<string, keyof z.infer<typeof schema>>> = {
  STRATA_API_HOST: 'host',
  STRATA_API_PORT: 'port',
  STRATA_API_RATE_LIMIT_MAX: 'rateLimitMax',
  STRATA_API_RATE_LIMIT_IP_MAX: 'rateLimitIpMax',
  STRATA_API_RATE_LIMIT_WINDOW_MS: 'rateLimitWindowMs',
  STRATA_API_LOGIN_RATE_LIMIT_MAX: 'loginRateLimitMax',
  STRATA_API_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  STRATA_API_INGEST_BODY_LIMIT_BYTES: 'ingestBodyLimitBytes',
  STRATA_API_UPLOAD_LIMIT_BYTES: 'uploadLimitBytes',
  STRATA_API_QUERY_TIMEOUT_MS: 'queryTimeoutMs',
  STRATA_API_READER_CONNECTIONS: 'readerConnections',
  STRATA_API_CACHE_ENTRIES: 'cacheEntries',
  STRATA_API_CACHE_TTL_SECONDS: 'cacheTtlSeconds',
  STRATA_API_ACCESS_TOKEN_TTL_SECONDS: 'accessTokenTtlSeconds',
  STRATA_API_PUBLIC_METRICS: 'publicMetrics',
  STRATA_API_TRUST_PROXY: 'trustProxy',
};

export function loadApiSettings(overrides: Partial<Record<keyof ApiSettings, unknown>> = {}, env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const fromEnv: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(ENV)) if (env[variable] !== undefined && env[variable] !== '') fromEnv[key] = env[variable];
  const parsed = schema.safeParse({ ...fromEnv, ...overrides });
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]?.path[0] ?? '');
    const variable = Object.entries(ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new StrataError('STRATA_ERR_CONFIG', `invalid setting ${variable}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
  }
  return Object.freeze(parsed.data);
}

/** The schema and its environment variables, for the settings audit (test/config) and the deploy cross-checks. */
export { schema as apiSettingsSchema, ENV as API_ENV_VARIABLES };
