/** Anomalies and the revenue forecast. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ANOMALY_METRICS, FORECAST_MAX_HORIZON, anomalies, forecastRevenue, type AnomalyMetric } from '../../analytics/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, Country, IsoDate, errorResponses, windowFilters } from '../schemas.js';

const AnomalyQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    country: Type.Optional(Country),
    metric: Type.Optional(Type.Union(ANOMALY_METRICS.map((m) => Type.Literal(m)))),
    threshold: Type.Number({ minimum: 1, maximum: 20, default: 3.5, description: 'robust z-score above which a day is reported' }),
  },
  { additionalProperties: false },
);
const ForecastQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    country: Type.Optional(Country),
    horizon: Type.Integer({ minimum: 1, maximum: FORECAST_MAX_HORIZON, default: 28 }),
    backtest_days: Type.Integer({ minimum: 7, maximum: 90, default: 28 }),
  },
  { additionalProperties: false },
);

export function insightRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/anomalies',
    {
      config: { access: 'viewer', cache: true },
      schema: { tags: ['insights'], summary: 'Days whose revenue or orders break from the weekly pattern, with method, expected value and score', querystring: AnomalyQuery, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => {
      const query = request.query as Static<typeof AnomalyQuery>;
      return anomalies(deps.db, { ...windowFilters(query), threshold: query.threshold, metric: query.metric as AnomalyMetric | undefined });
    },
  );

  app.get(
    '/api/v1/forecast',
    {
      config: { access: 'viewer', cache: true },
      schema: { tags: ['insights'], summary: 'Daily revenue forecast with 80%/95% intervals and the backtest error on held-out history', querystring: ForecastQuery, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => {
      const query = request.query as Static<typeof ForecastQuery>;
      return forecastRevenue(deps.db, { ...windowFilters(query), horizon: query.horizon, backtest_days: query.backtest_days });
    },
  );
}
