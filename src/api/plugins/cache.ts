/**
 * Response caching for routes with `config.cache`: LRU hit -> body with its ETag, or 304 when
 * the client already holds it. Keys include whether ids are pseudonymised, so an analyst never
 * gets an engineer's page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ResponseCache } from '../response-cache.js';

export interface CacheEvents {
  hit(route: string): void;
  miss(route: string): void;
}

const keyOf = (request: FastifyRequest): string => `${request.principal?.role === 'analyst' ? 'p' : 'c'}|${request.url}`;
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unknown';

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

export function registerCache(app: FastifyInstance, cache: ResponseCache, events: CacheEvents): void {
  const lookup: preHandlerHookHandler = async (request, reply) => {
    const hit = cache.get(keyOf(request));
    reply.header('cache-control', 'private, no-cache');
    if (!hit) {
      events.miss(routeOf(request));
      reply.header('x-cache', 'MISS');
      return;
    }
    events.hit(routeOf(request));
    reply.header('etag', hit.etag).header('x-cache', 'HIT');
    if (matches(request.headers['if-none-match'], hit.etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(hit.body);
  };

  const store = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    if (reply.statusCode !== 200 || reply.getHeader('x-cache') !== 'MISS' || typeof payload !== 'string') return payload;
    const entry = cache.set(keyOf(request), payload);
    reply.header('etag', entry.etag);
    if (matches(request.headers['if-none-match'], entry.etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  };

  app.addHook('onRoute', (route) => {
    if (!route.config?.cache || route.method !== 'GET') return;
    const pre = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    const onSend = route.onSend ? (Array.isArray(route.onSend) ? route.onSend : [route.onSend]) : [];
    route.preHandler = [...pre, lookup];
    route.onSend = [...onSend, store];
  });
}
