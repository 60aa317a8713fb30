/**
 * Rate limits (429 with Retry-After), two on every route: per client IP, counted before
 * authentication (so floods of bad credentials are throttled too), and per principal (user or API
 * key, however many tokens it holds), counted once it is known. Both must allow a request. A route
 * may name its own limit instead (`config.rateLimit`, e.g. login per IP) or none (`false`).
 * Counters live in the store: in-process, or Redis shared by every replica.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preParsingHookHandler } from 'fastify';
import { StrataError } from '../../shared/index.js';
import { principalName } from '../auth/index.js';
import type { ApiSettings } from '../api-settings.js';
import type { RateLimitStore } from '../backends/index.js';

export interface RouteRateLimit {
  readonly max: number;
  readonly timeWindow: number;
  readonly keyGenerator: (request: FastifyRequest) => string;
}

export const ipKey = (request: FastifyRequest): string => `ip:${request.ip}`;

const asArray = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]);

export function registerRateLimit(app: FastifyInstance, settings: ApiSettings, store: RateLimitStore): void {
  const count = async (reply: FastifyReply, scope: string, key: string, max: number, windowMs: number): Promise<void> => {
    const hit = await store.hit(`${scope}|${key}`, windowMs);
    const seconds = Math.ceil(hit.resetMs / 1000);
    const remaining = Math.max(0, max - hit.count);
    const shown = reply.getHeader('x-ratelimit-remaining');
    if (shown === undefined || Number(shown) >= remaining) {
      reply.header('x-ratelimit-limit', max).header('x-ratelimit-remaining', remaining).header('x-ratelimit-reset', seconds);
    }
    if (hit.count <= max) return;
    reply.header('retry-after', seconds);
    throw new StrataError('STRATA_ERR_RATE_LIMITED', `rate limit of ${max} requests per ${Math.round(windowMs / 1000)} s per ${key.split(':')[0]} exceeded; retry in ${seconds} s`);
  };

  const perIp: onRequestHookHandler = async (request, reply) => count(reply, 'all', ipKey(request), settings.rateLimitIpMax, settings.rateLimitWindowMs);
  const perPrincipal: preParsingHookHandler = async (request, reply) => {
    if (request.principal) await count(reply, 'all', `principal:${principalName(request.principal)}`, settings.rateLimitMax, settings.rateLimitWindowMs);
  };

  // Registered before authentication, so the IP check is the first onRequest hook of every route;
  // preParsing runs after every onRequest hook, so the principal is known there.
  app.addHook('onRoute', (route) => {
    const own = route.config?.rateLimit;
    if (own === false) return;
    if (own) {
      const scope = `${route.method}${route.url}`;
      const check: onRequestHookHandler = async (request, reply) => count(reply, scope, own.keyGenerator(request), own.max, own.timeWindow);
      route.onRequest = [check, ...asArray(route.onRequest)];
      return;
    }
    route.onRequest = [perIp, ...asArray(route.onRequest)];
    route.preParsing = [...asArray(route.preParsing), perPrincipal];
  });
}
