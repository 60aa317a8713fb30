/**
 * Alert rules and notifiers, declared in YAML (models/alerts/defaults.yaml when the operator gives
 * none). One zod schema, unknown keys rejected, durations as `90s`/`15m`/`36h`/`7d` or seconds,
 * and `${ENV_VAR}` in any string so webhook URLs and SMTP passwords stay out of the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { StrataConfig } from '../config/index.js';
import { StrataError, modelsDir } from '../shared/index.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A duration in milliseconds, from `90s`, `15m`, `36h`, `7d`, `250ms` or a number of seconds. */
const duration = z.union([z.number().min(0).transform((s) => s * 1000), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/).transform((v) => {
  const [, n, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v)!;
  return Number(n) * UNITS[unit!]!;
})]);
const name = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _');
const labelName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/);

const condition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('threshold'), op: z.enum(['>', '>=', '<', '<=', '==', '!=']), value: z.number() }).strict(),
  /** The current point is below (1 - ratio) x the median of its own previous points. */
  z.object({ kind: z.literal('drop'), ratio: z.number().gt(0).lt(1), history: z.number().int().min(1).max(400).default(28), min_history: z.number().int().min(1).default(5) }).strict(),
  /** The current point is above factor x the median of its previous points, and at least min_delta above it. */
  z.object({ kind: z.literal('spike'), factor: z.number().gt(1), min_delta: z.number().min(0).default(0), history: z.number().int().min(1).max(400).default(28), min_history: z.number().int().min(1).default(5) }).strict(),
  /** The value is a Unix time (seconds) older than max_age. */
  z.object({ kind: z.literal('stale'), max_age: duration }).strict(),
]);

const source = z.discriminatedUnion('kind', [
  /** One read-only SELECT over the allowed schemas: a `value` column, an optional `period` column (history), every other column a label. */
  z.object({ kind: z.literal('sql'), sql: z.string().min(1).max(20_000) }).strict(),
  /** A Prometheus metric of this process, summed per `by` labels over the samples matching `match`. */
  z.object({ kind: z.literal('metric'), name: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/), match: z.record(labelName, z.string()).default({}), by: z.array(labelName).default([]) }).strict(),
]);

const rule = z
  .object({
    name,
    severity: z.enum(['info', 'warning', 'critical']).default('warning'),
    summary: z.string().min(1).max(500),
    source,
    condition,
    /** How long the condition must hold before the alert fires (pending until then). */
    for: duration.default(0),
    group_by: z.array(labelName).optional(),
  })
  .strict();

const notifier = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name, url: z.string().url(), timeout: duration.default(10_000) }).strict(),
  z
    .object({
      kind: z.literal('email'),
      name,
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535).default(587),
      /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
      secure: z.boolean().default(false),
      require_tls: z.boolean().default(false),
      /** For a local relay without TLS (tests, a sidecar): never upgrade. */
      ignore_tls: z.boolean().default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      from: z.string().min(3),
      to: z.array(z.string().min(3)).min(1),
      timeout: duration.default(10_000),
    })
    .strict(),
]);

const fileSchema = z
  .object({
    /** Labels that put alerts into one notification; `rule` is the rule's name. */
    group_by: z.array(labelName).default(['rule']),
    /** A firing alert already notified is notified again after this long. */
    repeat_interval: duration.default(4 * 3_600_000),
    /** Schemas SQL rules may read (never api: credentials). Result columns naming customers are refused whatever the schema. */
    sql_schemas: z.array(z.enum(['bronze', 'silver', 'gold', 'meta', 'quality', 'stream'])).default(['bronze', 'gold', 'meta', 'quality', 'silver', 'stream']),
    notifiers: z.array(notifier).default([]),
    rules: z.array(rule).default([]),
  })
  .strict();

export type AlertCondition = z.infer<typeof condition>;
export type AlertSource = z.infer<typeof source>;
export type AlertRule = z.infer<typeof rule>;
export type NotifierConfig = z.infer<typeof notifier>;
export type AlertsConfig = Readonly<z.infer<typeof fileSchema>> & { readonly file: string };

export const defaultAlertsFile = (): string => path.join(modelsDir(), 'alerts', 'defaults.yaml');

/** Replaces `${NAME}` with the environment's value; a missing variable is a config error naming it. */
function expandEnv(value: unknown, env: NodeJS.ProcessEnv, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, variable: string) => {
      const v = env[variable];
      if (v === undefined || v === '') throw new StrataError('STRATA_ERR_CONFIG', `${where}: environment variable ${variable} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => expandEnv(v, env, where));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, where)]));
  return value;
}

export function parseAlertsConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new StrataError('STRATA_ERR_CONFIG', `${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const parsed = fileSchema.safeParse(expandEnv(raw, env, file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError('STRATA_ERR_CONFIG', `${file}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  const names = parsed.data.rules.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new StrataError('STRATA_ERR_CONFIG', `${file}: rule ${twice} is declared twice`);
  return Object.freeze({ ...parsed.data, file });
}

/** The operator's file (config.alertsFile, else <dataDir>/alerts.yaml), or the built-in defaults. */
export function loadAlertsConfig(config: Pick<StrataConfig, 'dataDir' | 'alertsFile'>, env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  const own = config.alertsFile ?? path.join(config.dataDir, 'alerts.yaml');
  if (config.alertsFile && !existsSync(own)) throw new StrataError('STRATA_ERR_CONFIG', `alerts file ${own} does not exist (STRATA_ALERTS_FILE)`);
  const file = existsSync(own) ? own : defaultAlertsFile();
  return parseAlertsConfig(readFileSync(file, 'utf8'), file, env);
}
