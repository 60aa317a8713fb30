/** What Strata adds to Fastify's request and route config. */
import type { StrataError } from '../shared/index.js';
import type { Principal, Role } from './auth/index.js';
import type { RouteRateLimit } from './plugins/rate-limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authError: StrataError | null;
  }
  interface FastifyContextConfig {
    /** The least role a route needs, or `public`. Routes without one need `admin` (closed by default). */
    access?: Role | 'public';
    /** Cache the 200 response in the LRU, with an ETag. */
    cache?: boolean;
    /** A limit of the route's own instead of the per-IP and per-principal ones, or none. */
    rateLimit?: RouteRateLimit | false;
  }
}

export {};
