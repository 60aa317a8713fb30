/**
 * One request id per request, on every log line of it (`reqId`), in every error body and in the
 * `x-request-id` response header. A caller's own `x-request-id` is kept when it is a plain token
 * (so a proxy's id flows through); anything else gets a fresh UUID (no log injection).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function genRequestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
}
