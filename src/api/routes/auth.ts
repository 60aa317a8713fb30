/** Login (user name + password -> short-lived JWT and a refresh token), refresh with rotation, logout. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { StrataError } from '../../shared/index.js';
import { checkPassword, issueRefreshToken, redeemRefreshToken, revokeRefreshToken } from '../auth/index.js';
import { ipKey } from '../plugins/rate-limit.js';
import type { RouteDeps } from '../route-deps.js';
import { errorResponses } from '../schemas.js';

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
  refresh_token: Type.String(),
  role: Type.String(),
});

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const loginLimit = { max: deps.settings.loginRateLimitMax, timeWindow: deps.settings.rateLimitWindowMs, keyGenerator: ipKey };

  const tokensFor = async (userName: string, role: Parameters<RouteDeps['signer']['sign']>[1]) => {
    const { token, expiresIn } = await deps.signer.sign(userName, role);
    return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn, refresh_token: await issueRefreshToken(deps.db, userName), role };
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', rateLimit: loginLimit },
      schema: {
        tags: ['auth'],
        summary: 'Exchange a user name and password for an access token (JWT) and a refresh token',
        security: [],
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: TokenResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { username, password } = request.body as { username: string; password: string };
      const role = await checkPassword(deps.db, username, password);
      if (!role) throw new StrataError('STRATA_ERR_UNAUTHENTICATED', 'wrong user name or password');
      return tokensFor(username, role);
    },
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { access: 'public', rateLimit: loginLimit },
      schema: {
        tags: ['auth'],
        summary: 'Spend a refresh token for a new access token and refresh token (each refresh token works once)',
        security: [],
        body: Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: TokenResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { userName, role } = await redeemRefreshToken(deps.db, (request.body as { refresh_token: string }).refresh_token);
      return tokensFor(userName, role);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'public', rateLimit: loginLimit },
      schema: { tags: ['auth'], summary: 'Revoke a refresh token', security: [], body: Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      await revokeRefreshToken(deps.db, (request.body as { refresh_token: string }).refresh_token);
      return reply.code(204).send();
    },
  );
}
