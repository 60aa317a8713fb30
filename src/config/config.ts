/**
 * One configuration schema: defaults, environment overrides (STRATA_*), unknown keys rejected,
 * loaded once and frozen.
 */
import path from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { StrataError } from '../shared/index.js';

/** An HTTP pull source (`strata pull <name>`): a REST endpoint that pages through transactions. */
const httpSourceSchema = z
  .object({
    url: z.string().url().refine((u) => /^https?:/.test(u), 'must be an http(s) URL'),
    /** `cursor`: the body names the next cursor; `link`: the body or a Link header gives the next page's URL. */
    paging: z.enum(['cursor', 'link']).default('cursor'),
    pageSize: z.number().int().min(1).max(10_000).default(500),
    pageSizeParam: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('limit'),
    cursorParam: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('cursor'),
    /** Where the rows are in a page's JSON body (a top-level array is accepted as well). */
    itemsField: z.string().min(1).default('data'),
    nextCursorField: z.string().min(1).default('next_cursor'),
    nextLinkField: z.string().min(1).default('next'),
    /** The header carrying the credential, and the environment variable holding it (never logged). */
    authHeader: z.string().regex(/^[A-Za-z0-9-]+$/).default('Authorization'),
    authEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    /** Put before the secret in the header (`Bearer <token>`); empty for the bare value. */
    authScheme: z.string().default('Bearer'),
    /** Sources naming the same resource share its circuit breaker and rate budget (default: the URL's host). */
    resource: z.string().regex(/^[A-Za-z0-9_.:-]+$/).optional(),
    ratePerSecond: z.number().positive().max(10_000).default(5),
    burst: z.number().int().min(1).max(10_000).default(5),
    failureThreshold: z.number().int().min(1).max(1000).default(5),
    coolDownMs: z.number().int().min(0).default(30_000),
    requestTimeoutMs: z.number().int().min(1).default(30_000),
    maxPages: z.number().int().min(1).default(100_000),
    maxAttempts: z.number().int().min(1).max(100).default(5),
    retryBaseDelayMs: z.number().int().min(0).default(1000),
    retryMaxDelayMs: z.number().int().min(0).default(60_000),
  })
  .strict();

/** Why a cron pattern or time zone is refused (croner's own message), or null when croner accepts it. */
function cronProblem(pattern: string, timezone: string): string | null {
  try {
    new Cron(pattern, { timezone, paused: true }).nextRun();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A cron schedule of `strata daemon`: `run` ingests the landing folder and refreshes what changed; `full` also rebuilds all of gold. */
const scheduleSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
    /** Five or six fields (seconds first when six), as croner reads them. */
    cron: z.string().min(1),
    /** IANA time zone the pattern is read in (daylight saving included). */
    timezone: z.string().min(1).default('UTC'),
    job: z.enum(['run', 'full']).default('run'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const problem = cronProblem(s.cron, s.timezone);
    if (problem) ctx.addIssue({ code: 'custom', message: `schedule ${s.name}: ${problem}`, path: ['cron'] });
  });

const jsonText = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

const configSchema = z
  .object({
    dataDir: z.string().min(1).default('data'),
    warehousePath: z.string().min(1).optional(),
    /**
     * PostgreSQL warehouse (postgres:// or postgresql:// URL); unset: the embedded DuckDB file at
     * warehousePath. The same models run on either (dialect differences: src/engine/dialect.ts).
     */
    warehouseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'expected a postgres:// or postgresql:// URL')
      .refine((v) => URL.canParse(v), 'not a valid URL')
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    /** Order assumed for ambiguous short dates such as 1/2/11 when a file gives no clue. */
    defaultDateOrder: z.enum(['mdy', 'dmy']).default('mdy'),
    /** Longest CSV line accepted; longer lines are quarantined, not loaded. */
    maxLineBytes: z.coerce.number().int().min(1024).default(1_048_576),
    /** Files are preflighted this many at a time. */
    ingestConcurrency: z.coerce.number().int().min(1).max(64).default(4),
    duckdbThreads: z.coerce.number().int().min(1).max(256).optional(),
    /**
     * DuckDB's own default is 80% of the machine's memory (13 GB of RSS for 10M rows here); with a
     * limit it spills to <warehouse>.tmp instead, so the process stays well under 4 GB.
     */
    duckdbMemoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i).default('2GB'),
    /** NATS server for streaming ingestion. */
    natsUrl: z.string().min(1).default('nats://127.0.0.1:4222'),
    /** JetStream stream, subject and durable consumer that carry transaction events. */
    streamName: z.string().regex(/^[A-Za-z0-9_-]+$/).default('RETAIL_TRANSACTIONS'),
    streamSubject: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).default('retail.transactions'),
    streamDurable: z.string().regex(/^[A-Za-z0-9_-]+$/).default('strata-bronze'),
    /** Most messages per micro-batch (one bronze transaction); twice this may be unacknowledged at once. */
    streamBatchSize: z.coerce.number().int().min(1).max(100_000).default(20_000),
    /** A message delivered more often than this is dead-lettered. */
    streamMaxDeliveries: z.coerce.number().int().min(1).max(1000).default(5),
    /** How long the broker waits for an acknowledgement before redelivering. */
    streamAckWaitMs: z.coerce.number().int().min(1000).default(30_000),
    /** Event-time windows accept events this far behind the watermark; later ones are counted and kept apart. */
    streamAllowedLatenessMs: z.coerce.number().int().min(0).default(300_000),
    /** Redis shared by API replicas (response cache, rate limits); unset: everything stays in-process. */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL')
      .refine((v) => URL.canParse(v), 'not a valid URL')
      .optional(),
    /** Prefix of every Redis key Strata writes, so several deployments (or test runs) can share a server. */
    redisKeyPrefix: z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/).default('strata:'),
    /** A Redis command slower than this counts as Redis being unavailable (answers are then served uncached). */
    redisCommandTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(500),
    /** An asset older than this loses freshness health (to 0 at twice it); also the default stale-asset alert. */
    freshnessMaxAgeSeconds: z.coerce.number().int().min(1).default(129_600),
    /** Alert rules and notifiers (YAML); unset: <dataDir>/alerts.yaml if it exists, else the built-in defaults. */
    alertsFile: z.string().min(1).optional(),
    /** How often `strata serve` evaluates the alert rules; 0 turns the evaluation loop off. */
    alertsIntervalMs: z.coerce.number().int().min(0).default(60_000),
    /** HTTP pull sources by name (env STRATA_HTTP_SOURCES as JSON). */
    httpSources: z.preprocess(jsonText, z.record(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/), httpSourceSchema)).default({}),
    /** When set, every pipeline event is also published to `<prefix>.<kind>` on natsUrl (never blocking a run). */
    eventsNatsPrefix: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).optional(),
    /** Events held while NATS is unreachable; beyond this the oldest are dropped and counted. */
    eventsNatsBuffer: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** The folder the daemon's sensor watches for new daily files; unset: <dataDir>/landing. */
    landingDir: z.string().min(1).optional(),
    /** How often the sensor looks at the landing folder; 0 turns the sensor off. */
    sensorIntervalMs: z.coerce.number().int().min(0).max(86_400_000).default(5_000),
    /** A file is picked up once its size and modification time have not changed for this long. */
    sensorSettleMs: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
    /** Cron schedules of `strata daemon` (env STRATA_SCHEDULES as a JSON array); default: a nightly full run at 02:00 UTC. */
    schedules: z
      .preprocess(jsonText, z.array(scheduleSchema).max(50))
      .default([{ name: 'nightly', cron: '0 2 * * *', timezone: 'UTC', job: 'full' }])
      .refine((list) => new Set(list.map((s) => s.name)).size === list.length, 'schedule names must be unique'),
    /** `in-process`: the run executes its steps itself; `queue`: steps become BullMQ jobs on Redis for `strata worker`. */
    execution: z.enum(['in-process', 'queue']).default('in-process'),
    /** Jobs one `strata worker` process runs at once (per queue). */
    workerConcurrency: z.coerce.number().int().min(1).max(64).default(2),
    /** A worker that stops renewing its job lock for this long is presumed dead; its job goes to another worker. */
    workerLockMs: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
    /**
     * A running run whose orchestrator has not refreshed its heartbeat for this long is taken for
     * dead and marked interrupted by the next orchestrator; heartbeats go every quarter of it.
     */
    runHeartbeatExpiryMs: z.coerce
      .number()
      .int('must be a whole number of milliseconds')
      .min(2000, 'must be at least 2000 ms (heartbeats are sent every quarter of it)')
      .max(86_400_000, 'must be at most 86400000 ms (a day)')
      .default(60_000),
    /** A job whose worker died this many times is failed instead of handed out again. */
    workerMaxStalls: z.coerce.number().int().min(1).max(100).default(3),
    /** Jobs running at once across all workers, per queue (pull, ingest, silver, gold); absent: no limit beyond the workers'. */
    queueConcurrency: z.preprocess(jsonText, z.partialRecord(z.enum(['pull', 'ingest', 'silver', 'gold']), z.number().int().min(1).max(1000))).default({}),
    /** Holders at once across all workers, per named resource: an HTTP source's resource (default 1), `warehouse` (PostgreSQL; default unlimited). */
    resourceLimits: z.preprocess(jsonText, z.record(z.string().regex(/^[A-Za-z0-9_.:/-]{1,200}$/), z.number().int().min(1).max(1000))).default({}),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.execution === 'queue' && !value.redisUrl) {
      context.addIssue({ code: 'custom', path: ['execution'], message: 'queue execution needs STRATA_REDIS_URL (the BullMQ queues live in Redis)' });
    }
  });

export type HttpSourceSettings = Readonly<z.infer<typeof httpSourceSchema>>;
export type ScheduleSettings = Readonly<z.infer<typeof scheduleSchema>>;

export type StrataConfig = Readonly<z.infer<typeof configSchema> & { warehousePath: string; landingDir: string }>;

const ENV_KEYS: Readonly<Record<string, keyof z.infer<typeof configSchema>>> = {
  STRATA_DATA_DIR: 'dataDir',
  STRATA_WAREHOUSE_PATH: 'warehousePath',
  STRATA_WAREHOUSE_URL: 'warehouseUrl',
  STRATA_LOG_LEVEL: 'logLevel',
  STRATA_DEFAULT_DATE_ORDER: 'defaultDateOrder',
  STRATA_MAX_LINE_BYTES: 'maxLineBytes',
  STRATA_INGEST_CONCURRENCY: 'ingestConcurrency',
  STRATA_DUCKDB_THREADS: 'duckdbThreads',
  STRATA_DUCKDB_MEMORY_LIMIT: 'duckdbMemoryLimit',
  STRATA_NATS_URL: 'natsUrl',
  STRATA_STREAM_NAME: 'streamName',
  STRATA_STREAM_SUBJECT: 'streamSubject',
  STRATA_STREAM_DURABLE: 'streamDurable',
  STRATA_STREAM_BATCH_SIZE: 'streamBatchSize',
  STRATA_STREAM_MAX_DELIVERIES: 'streamMaxDeliveries',
  STRATA_STREAM_ACK_WAIT_MS: 'streamAckWaitMs',
  STRATA_STREAM_ALLOWED_LATENESS_MS: 'streamAllowedLatenessMs',
  STRATA_REDIS_URL: 'redisUrl',
  STRATA_REDIS_KEY_PREFIX: 'redisKeyPrefix',
  STRATA_REDIS_COMMAND_TIMEOUT_MS: 'redisCommandTimeoutMs',
  STRATA_FRESHNESS_MAX_AGE_SECONDS: 'freshnessMaxAgeSeconds',
  STRATA_ALERTS_FILE: 'alertsFile',
  STRATA_ALERTS_INTERVAL_MS: 'alertsIntervalMs',
  STRATA_HTTP_SOURCES: 'httpSources',
  STRATA_EVENTS_NATS_PREFIX: 'eventsNatsPrefix',
  STRATA_EVENTS_NATS_BUFFER: 'eventsNatsBuffer',
  STRATA_LANDING_DIR: 'landingDir',
  STRATA_SENSOR_INTERVAL_MS: 'sensorIntervalMs',
  STRATA_SENSOR_SETTLE_MS: 'sensorSettleMs',
  STRATA_SCHEDULES: 'schedules',
  STRATA_EXECUTION: 'execution',
  STRATA_WORKER_CONCURRENCY: 'workerConcurrency',
  STRATA_WORKER_LOCK_MS: 'workerLockMs',
  STRATA_WORKER_MAX_STALLS: 'workerMaxStalls',
  STRATA_RUN_HEARTBEAT_EXPIRY_MS: 'runHeartbeatExpiryMs',
  STRATA_QUEUE_CONCURRENCY: 'queueConcurrency',
  STRATA_RESOURCE_LIMITS: 'resourceLimits',
};

/** Builds a frozen config from overrides and the environment; names the bad variable on error. */
export function loadConfig(
  overrides: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = process.env,
): StrataConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(ENV_KEYS)) {
    const value = env[variable];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const parsed = configSchema.safeParse({ ...fromEnv, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const variable = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
    const name = variable && fromEnv[key] !== undefined && overrides[key] === undefined ? variable : key;
    const inner = issue && issue.path.length > 1 ? `${issue.path.slice(1).join('.')}: ` : '';
    throw new StrataError('STRATA_ERR_CONFIG', `invalid setting ${name}: ${inner}${issue?.message ?? 'invalid value'}`);
  }
  const value = parsed.data;
  return Object.freeze({
    ...value,
    warehousePath: value.warehousePath ?? path.join(value.dataDir, 'strata.duckdb'),
    landingDir: value.landingDir ?? path.join(value.dataDir, 'landing'),
  });
}

/** The schema and its environment variables, for the settings audit (test/config) and the deploy cross-checks. */
export { configSchema, ENV_KEYS as CONFIG_ENV_VARIABLES };
