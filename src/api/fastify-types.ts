/** What Strata adds to Fastify's request and route config. */
import type { StrataError } from '../shared/index.js';
import type { Principal, Role } from './auth/index.js';

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
  }
}

export {};
