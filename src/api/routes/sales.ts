/** KPIs, time series and transaction lines. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { GRAINS, SALES_PAGE_MAX, SALES_SORTS, kpis, salesLines, timeseries, type Grain, type SalesSort } from '../../analytics/index.js';
import { visibilityOf, type RouteDeps } from '../route-deps.js';
import { AnyObject, Country, IsoDate, WindowQuery, errorResponses, windowFilters, type WindowQueryT } from '../schemas.js';

const TimeseriesQuery = Type.Object(
  { from: Type.Optional(IsoDate), to: Type.Optional(IsoDate), country: Type.Optional(Country), grain: Type.Union(GRAINS.map((g) => Type.Literal(g)), { default: 'day' }) },
  { additionalProperties: false },
);

const SalesQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    country: Type.Optional(Country),
    customer_id: Type.Optional(Type.String({ pattern: '^(\\d{1,12}|c_[0-9a-f]{16})$', description: 'real id, or the pseudonym analysts see' })),
    stock_code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9 _-]{1,20}$' })),
    invoice_no: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,20}$' })),
    sort: Type.Union(SALES_SORTS.map((s) => Type.Literal(s)), { default: 'invoice_ts' }),
    order: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }),
    limit: Type.Integer({ minimum: 1, maximum: SALES_PAGE_MAX, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 400, pattern: '^[A-Za-z0-9_-]+$', description: 'next_cursor from the previous page' })),
  },
  { additionalProperties: false },
);

export function salesRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/kpis',
    {
      config: { access: 'viewer', cache: true },
      schema: {
        tags: ['analytics'],
        summary: 'Revenue, orders, customers, AOV, units and return rate, each vs the previous period of equal length and the same period a year earlier',
        querystring: WindowQuery,
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request) => kpis(deps.db, windowFilters(request.query as WindowQueryT)),
  );

  app.get(
    '/api/v1/sales/timeseries',
    {
      config: { access: 'viewer', cache: true },
      schema: { tags: ['analytics'], summary: 'Sales by day, ISO week, month or quarter (empty buckets included)', querystring: TimeseriesQuery, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => {
      const query = request.query as Static<typeof TimeseriesQuery>;
      return timeseries(deps.db, { ...windowFilters(query), grain: query.grain as Grain });
    },
  );

  app.get(
    '/api/v1/sales',
    {
      config: { access: 'analyst', cache: true },
      schema: {
        tags: ['analytics'],
        summary: `Transaction lines, filtered, sorted by an allow-listed field, cursor-paginated (at most ${SALES_PAGE_MAX} a page); analysts see pseudonymised customer ids`,
        querystring: SalesQuery,
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof SalesQuery>;
      return salesLines(deps.db, { ...query, ...windowFilters(query), sort: query.sort as SalesSort, order: query.order as 'asc' | 'desc' }, visibilityOf(request, deps));
    },
  );
}
