/**
 * Rate limits (429 with Retry-After): per credential when one is presented (one bucket per token
 * or key), per IP otherwise; login and refresh have their own, tighter per-IP budget.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { StrataError, sha256Hex } from '../../shared/index.js';
import type { ApiSettings } from '../api-settings.js';

export function credentialKey(request: FastifyRequest): string {
  const credential = request.headers['x-api-key'] ?? request.headers.authorization;
  return typeof credential === 'string' && credential ? `cred:${sha256Hex(credential).slice(0, 24)}` : `ip:${request.ip}`;
}

export const ipKey = (request: FastifyRequest): string => `ip:${request.ip}`;

export async function registerRateLimit(app: FastifyInstance, settings: ApiSettings): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: settings.rateLimitMax,
    timeWindow: settings.rateLimitWindowMs,
    keyGenerator: credentialKey,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new StrataError('STRATA_ERR_RATE_LIMITED', `rate limit of ${context.max} requests exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`), {
        statusCode: 429,
      }),
  });
}
