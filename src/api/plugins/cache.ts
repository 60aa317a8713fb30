/**
 * Response caching for routes with `config.cache`: hit -> body with its ETag, or 304 when the
 * client already holds it. Keys include whether ids are pseudonymised, so an analyst never gets
 * an engineer's page. A miss remembers the generation it was looked up under and stores the answer
 * only into that one; when the backend cannot tell what is current (Redis away) the answer goes
 * out uncached (`x-cache: BYPASS`), without an ETag.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { CacheBackend } from '../backends/index.js';

export interface CacheEvents {
  hit(route: string): void;
  miss(route: string): void;
  bypass(route: string): void;
}

const keyOf = (request: FastifyRequest): string => `${request.principal?.role === 'analyst' ? 'p' : 'c'}|${request.url}`;
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unknown';
const generationSeen = new WeakMap<FastifyRequest, string>();

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
}

export function registerCache(app: FastifyInstance, cache: CacheBackend, events: CacheEvents): void {
  const lookup: preHandlerHookHandler = async (request, reply) => {
    const found = await cache.lookup(keyOf(request));
    reply.header('cache-control', 'private, no-cache');
    if (found.status === 'unavailable') {
      events.bypass(routeOf(request));
      reply.header('x-cache', 'BYPASS');
      return;
    }
    if (found.status === 'miss') {
      generationSeen.set(request, found.generation);
      events.miss(routeOf(request));
      reply.header('x-cache', 'MISS');
      return;
    }
    events.hit(routeOf(request));
    reply.header('etag', found.entry.etag).header('x-cache', 'HIT');
    if (matches(request.headers['if-none-match'], found.entry.etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(found.entry.body);
  };

  const store = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const generation = generationSeen.get(request);
    if (reply.statusCode !== 200 || reply.getHeader('x-cache') !== 'MISS' || typeof payload !== 'string' || generation === undefined) return payload;
    const entry = await cache.store(keyOf(request), payload, generation);
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
