/**
 * Authentication and roles, checked on every route before anything else runs: a bearer JWT
 * (people) or an API key (machines, `X-API-Key` or `Authorization: Bearer sk_...`). A route's
 * `config.access` names the least role it needs; routes that say nothing need admin.
 */
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { LRUCache } from 'lru-cache';
import { StrataError, sha256Hex } from '../../shared/index.js';
import { roleAtLeast, verifyApiKey, type Principal, type SqlRunner, type TokenSigner } from '../auth/index.js';

export interface AuthDeps {
  readonly signer: TokenSigner;
  readonly db: SqlRunner;
}

export interface ApiKeyCache {
  clear(): void;
}

function credentialOf(request: FastifyRequest): { kind: 'jwt' | 'key'; value: string } | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return { kind: 'key', value: header };
  const authorization = request.headers.authorization;
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) return { kind: 'jwt', value: '' };
  const value = match[1]!;
  return value.startsWith('sk_') ? { kind: 'key', value } : { kind: 'jwt', value };
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps): ApiKeyCache {
  // Verified keys for a short while, so a machine client costs one lookup a minute, not one a request.
  const keys = new LRUCache<string, Principal>({ max: 1_000, ttl: 60_000 });
  app.decorateRequest('principal', null);
  app.decorateRequest('authError', null);

  const authenticate: onRequestHookHandler = async (request) => {
    const access = request.routeOptions.config.access ?? 'admin';
    const credential = credentialOf(request);
    if (credential) {
      try {
        if (credential.kind === 'jwt') {
          request.principal = await deps.signer.verify(credential.value);
        } else {
          const cacheKey = sha256Hex(credential.value);
          const principal = keys.get(cacheKey) ?? (await verifyApiKey(deps.db, credential.value));
          if (!principal) throw new StrataError('STRATA_ERR_UNAUTHENTICATED', 'the API key is invalid or revoked');
          keys.set(cacheKey, principal);
          request.principal = principal;
        }
      } catch (error) {
        request.authError = error instanceof StrataError ? error : new StrataError('STRATA_ERR_UNAUTHENTICATED', 'invalid credentials', { cause: error });
      }
    }
    if (access === 'public') return;
    if (!request.principal) {
      throw request.authError ?? new StrataError('STRATA_ERR_UNAUTHENTICATED', 'this endpoint needs a bearer token or an API key');
    }
    if (!roleAtLeast(request.principal.role, access)) {
      throw new StrataError('STRATA_ERR_FORBIDDEN', `this endpoint needs the ${access} role or higher; you are ${request.principal.role}`);
    }
  };

  // Route-level hook, added after the rate limiter's, so floods of bad credentials are throttled too.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.url.startsWith('/app') || route.url === '/openapi.json') route.config = { ...route.config, access: 'public' };
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [...existing, authenticate];
  });
  return { clear: () => keys.clear() };
}
