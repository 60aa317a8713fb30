/**
 * Every failure leaves as `{ error: { code, message, parameter?, request_id } }` with a stable
 * code; stacks and engine messages stay in the server log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, StrataError, isStrataError, type ErrorCode } from '../../shared/index.js';
import { statusOf, type ErrorBody } from '../http-errors.js';

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'STRATA_ERR_PAYLOAD_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'STRATA_ERR_PAYLOAD_TOO_LARGE',
  FST_FILES_LIMIT: 'STRATA_ERR_PAYLOAD_TOO_LARGE',
  FST_PARTS_LIMIT: 'STRATA_ERR_PAYLOAD_TOO_LARGE',
  FST_FIELDS_LIMIT: 'STRATA_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'STRATA_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'STRATA_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'STRATA_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_TYPE: 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'STRATA_ERR_UNSUPPORTED_MEDIA_TYPE',
};

function validationBody(error: FastifyError): { message: string; parameter: string } {
  const first = error.validation?.[0];
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const parameter = missing ?? first?.instancePath?.replace(/^\//, '').replaceAll('/', '.') ?? '';
  const where = error.validationContext ?? 'request';
  return { parameter: parameter || where, message: `${where}${parameter ? ` parameter ${parameter}` : ''}: ${first?.message ?? 'is invalid'}` };
}

export function send(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, message: string, parameter?: string): FastifyReply {
  const body: ErrorBody = { error: { code, message, ...(parameter ? { parameter } : {}), request_id: String(request.id) } };
  return reply.code(statusOf(code)).type('application/json; charset=utf-8').send(body);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | StrataError, request, reply) => {
    if (isStrataError(error)) {
      const status = statusOf(error.code);
      if (status >= 500) request.log.error({ err: error, code: error.code }, 'request failed');
      const parameter = typeof error.details?.['parameter'] === 'string' ? (error.details['parameter'] as string) : undefined;
      // Engine messages can quote SQL; the client gets the registry's wording.
      const message = error.code === 'STRATA_ERR_ENGINE' ? ERROR_CODES.STRATA_ERR_ENGINE : error.message;
      return send(reply, request, error.code, message, parameter);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const { message, parameter } = validationBody(fastifyError);
      return send(reply, request, 'STRATA_ERR_BAD_REQUEST', message, parameter);
    }
    const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
    if (mapped) return send(reply, request, mapped, ERROR_CODES[mapped]);
    if (fastifyError.statusCode === 429) return send(reply, request, 'STRATA_ERR_RATE_LIMITED', fastifyError.message || ERROR_CODES.STRATA_ERR_RATE_LIMITED);
    if (fastifyError.statusCode === 413) return send(reply, request, 'STRATA_ERR_PAYLOAD_TOO_LARGE', ERROR_CODES.STRATA_ERR_PAYLOAD_TOO_LARGE);
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return send(reply, request, 'STRATA_ERR_BAD_REQUEST', ERROR_CODES.STRATA_ERR_BAD_REQUEST);
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, request, 'STRATA_ERR_INTERNAL', ERROR_CODES.STRATA_ERR_INTERNAL);
  });
  app.setNotFoundHandler((request, reply) => send(reply, request, 'STRATA_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}

/** Throws a 400 naming the parameter. */
export function badRequest(parameter: string, message: string): never {
  throw new StrataError('STRATA_ERR_BAD_REQUEST', `${parameter}: ${message}`, { details: { parameter } });
}
