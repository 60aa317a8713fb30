/** The stream's speed layer: the current event-time windows. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REALTIME_MAX_MINUTES, WINDOW_KINDS, realtimeWindows, type WindowKind } from '../../analytics/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, Country, errorResponses } from '../schemas.js';

const RealtimeQuery = Type.Object(
  {
    kind: Type.Union(WINDOW_KINDS.map((k) => Type.Literal(k)), { default: 'tumbling_1m' }),
    minutes: Type.Integer({ minimum: 1, maximum: REALTIME_MAX_MINUTES, default: 15, description: 'windows ending this many minutes before the watermark, or later' }),
    country: Type.Optional(Country),
  },
  { additionalProperties: false },
);

export function realtimeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/realtime',
    {
      // Not cached: the windows change with every micro-batch the consumer commits.
      config: { access: 'viewer' },
      schema: {
        tags: ['analytics'],
        summary: 'Current event-time windows of the stream (tumbling 1 minute or sliding 5 minutes) per country, up to the watermark, with whether each is still open to late events',
        querystring: RealtimeQuery,
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof RealtimeQuery>;
      return realtimeWindows(deps.db, { kind: query.kind as WindowKind, minutes: query.minutes, country: query.country, allowedLatenessMs: deps.config.streamAllowedLatenessMs });
    },
  );
}
