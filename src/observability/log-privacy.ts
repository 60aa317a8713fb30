/**
 * What must never reach a log line: secrets (passwords, tokens, API keys, Authorization and
 * cookie headers, SMTP and webhook credentials) and raw personal data (customer ids). Secrets are
 * redacted by path; customer ids in URLs are replaced by a keyed pseudonym (the same one analysts
 * see), so two lines about one customer still correlate.
 */
import { createHash } from 'node:crypto';

/** pino redact paths: top level and one level down, plus the request shapes Fastify logs. */
const SECRET_KEYS = ['password', 'new_password', 'token', 'access_token', 'refresh_token', 'authorization', 'secret', 'api_key', 'apiKey', 'key_secret', 'cookie', 'pass', 'webhook_url', 'url_secret'];
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  // Engine errors keep their bound parameters for debugging; parameters can be personal data.
  'err.details.params',
  'err.cause.details.params',
  'details.params',
];

/** Keyed pseudonym of a customer id: exactly what analysts see through the API (`c_` + sha256(salt || id), 16 hex). */
export const pseudonymOf = (salt: string, id: string): string => `c_${createHash('sha256').update(salt + id).digest('hex').slice(0, 16)}`;

const CUSTOMER_PATH = /(\/customers\/)(\d{1,12})(?=\/|$|\?)/g;
const CUSTOMER_QUERY = /([?&]customer_id=)(\d{1,12})(?=&|$)/g;

/** The URL with customer ids (path segment or `customer_id` parameter) replaced by pseudonyms. */
export function scrubUrl(url: string, salt: string): string {
  return url.replace(CUSTOMER_PATH, (_m, prefix: string, id: string) => `${prefix}${pseudonymOf(salt, id)}`).replace(CUSTOMER_QUERY, (_m, prefix: string, id: string) => `${prefix}${pseudonymOf(salt, id)}`);
}
