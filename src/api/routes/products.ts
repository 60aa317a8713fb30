/** Top products, product search and countries. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PRODUCT_METRICS, SEARCH_MAX_RESULTS, TOP_PRODUCTS_MAX, countrySales, searchProducts, topProducts, type ProductMetric } from '../../analytics/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, Country, IsoDate, errorResponses, windowFilters } from '../schemas.js';

const TopQuery = Type.Object(
  {
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    country: Type.Optional(Country),
    metric: Type.Union(PRODUCT_METRICS.map((m) => Type.Literal(m)), { default: 'revenue' }),
    limit: Type.Integer({ minimum: 1, maximum: TOP_PRODUCTS_MAX, default: 10 }),
  },
  { additionalProperties: false },
);
const CountriesQuery = Type.Object({ from: Type.Optional(IsoDate), to: Type.Optional(IsoDate) }, { additionalProperties: false });
const SearchQuery = Type.Object(
  { q: Type.String({ minLength: 1, maxLength: 100 }), limit: Type.Integer({ minimum: 1, maximum: SEARCH_MAX_RESULTS, default: 10 }) },
  { additionalProperties: false },
);

export function productRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/products/top',
    { config: { access: 'viewer', cache: true }, schema: { tags: ['products'], summary: 'Top products by revenue, units or customers', querystring: TopQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const query = request.query as Static<typeof TopQuery>;
      return topProducts(deps.db, { ...windowFilters(query), metric: query.metric as ProductMetric, limit: query.limit });
    },
  );

  app.get(
    '/api/v1/search/products',
    {
      config: { access: 'viewer', cache: true },
      schema: { tags: ['products'], summary: 'Typo-tolerant product search over descriptions and stock codes', querystring: SearchQuery, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => searchProducts(deps.db, request.query as Static<typeof SearchQuery>),
  );

  app.get(
    '/api/v1/countries',
    { config: { access: 'viewer', cache: true }, schema: { tags: ['analytics'], summary: 'Revenue, orders and customers per country with revenue share', querystring: CountriesQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => countrySales(deps.db, windowFilters(request.query as Static<typeof CountriesQuery>)),
  );
}
