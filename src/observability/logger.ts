/**
 * Structured JSON logs on stderr (stdout stays for command output), with secrets redacted and
 * customer ids pseudonymised. Every line carries `instance_id` (this process); request lines add
 * `reqId`, pipeline lines `run_id`, alert evaluations `evaluation_id` (child loggers).
 */
import { randomUUID } from 'node:crypto';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { REDACT_PATHS, scrubUrl } from './log-privacy.js';

export type { Logger };

/** One id per process, on every line, so lines of one server can be told apart from another replica's. */
export const INSTANCE_ID = randomUUID().slice(0, 8);

export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { service: 'strata', instance_id: INSTANCE_ID, ...bindings },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    },
    destination,
  );
}

interface RequestLike {
  readonly method?: string;
  readonly url?: string;
  readonly ip?: string;
  readonly routeOptions?: { readonly url?: string };
}

/**
 * Options for Fastify's logger: the level from config, the same redaction, and request/response
 * serializers that log the route template and a scrubbed URL, never headers or bodies.
 */
export function httpLoggerOptions(options: { readonly level: string; readonly pseudonymSalt: string; readonly stream?: pino.DestinationStream }): LoggerOptions & { stream?: pino.DestinationStream } {
  return {
    level: options.level,
    base: { service: 'strata', instance_id: INSTANCE_ID },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: {
      req: (req: RequestLike) => ({ method: req.method, route: req.routeOptions?.url, url: req.url ? scrubUrl(req.url, options.pseudonymSalt) : undefined, remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    ...(options.stream ? { stream: options.stream } : {}),
  };
}
