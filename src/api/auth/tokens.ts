/**
 * Short-lived access tokens: HS256 JWTs through jose, with the algorithm pinned, issuer and
 * audience checked, and every claim we rely on required. Anything else is a 401.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { StrataError } from '../../shared/index.js';
import { isRole, type Principal, type Role } from './roles.js';

export const JWT_ISSUER = 'strata';
export const JWT_AUDIENCE = 'strata-api';

export interface TokenSigner {
  sign(subject: string, role: Role): Promise<{ token: string; expiresIn: number }>;
  verify(token: string): Promise<Principal>;
}

/**
 * Remembers tokens that verified, until their own expiry: access tokens are stateless (nothing can
 * revoke one before `exp`), so a repeat request need not recompute the HMAC. Failures are not kept.
 */
function memoizeVerify(verify: (token: string) => Promise<Principal>): (token: string) => Promise<Principal> {
  const verified = new LRUCache<string, { principal: Principal; expiresAtMs: number }>({ max: 10_000 });
  return async (token) => {
    const hit = verified.get(token);
    if (hit && hit.expiresAtMs > Date.now()) return hit.principal;
    if (hit) verified.delete(token);
    const principal = await verify(token);
    const exp = decodeJwt(token).exp;
    if (typeof exp === 'number') verified.set(token, { principal, expiresAtMs: exp * 1000 });
    return principal;
  };
}

export function createTokenSigner(secret: Uint8Array, ttlSeconds: number): TokenSigner {
  const signer: TokenSigner = {
    async sign(subject, role) {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(subject)
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID())
        .sign(secret);
      return { token, expiresIn: ttlSeconds };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat', 'nbf', 'role'],
          clockTolerance: 5,
        });
        if (!isRole(payload['role']) || typeof payload.sub !== 'string' || !payload.sub) throw new Error('bad claims');
        return { kind: 'user', id: payload.sub, role: payload['role'] };
      } catch (error) {
        throw new StrataError('STRATA_ERR_UNAUTHENTICATED', 'the access token is invalid or expired', { cause: error });
      }
    },
  };
  return { sign: signer.sign, verify: memoizeVerify(signer.verify) };
}
