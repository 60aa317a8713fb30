/** RFM segments, cohorts, churn, one customer, and the privacy export and erasure of one customer. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { churnRisk, cohortMatrix, customerDetail, customerSegments } from '../../analytics/index.js';
import { StrataError } from '../../shared/index.js';
import { audit, principalName } from '../auth/index.js';
import { eraseCustomer, exportCustomer } from '../privacy.js';
import { visibilityOf, type RouteDeps } from '../route-deps.js';
import { AnyObject, Country, IsoDate, WindowQuery, errorResponses, windowFilters, type WindowQueryT } from '../schemas.js';

const CustomerParams = Type.Object({ id: Type.String({ pattern: '^(\\d{1,12}|c_[0-9a-f]{16})$', description: 'customer id (analysts: the pseudonym)' }) });
const ChurnQuery = Type.Object({ as_of: Type.Optional(IsoDate), country: Type.Optional(Country) }, { additionalProperties: false });

export function customerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/customers/segments',
    { config: { access: 'viewer', cache: true }, schema: { tags: ['customers'], summary: 'RFM segments with customer counts, revenue and shares', querystring: WindowQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => customerSegments(deps.db, windowFilters(request.query as WindowQueryT)),
  );

  app.get(
    '/api/v1/cohorts',
    { config: { access: 'viewer', cache: true }, schema: { tags: ['customers'], summary: 'Monthly acquisition cohorts: retention matrix', querystring: WindowQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => cohortMatrix(deps.db, windowFilters(request.query as WindowQueryT)),
  );

  app.get(
    '/api/v1/churn',
    {
      config: { access: 'viewer', cache: true },
      schema: { tags: ['customers'], summary: 'Customers by churn-risk band; as_of defaults to the last day in the data', querystring: ChurnQuery, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => {
      const query = request.query as Static<typeof ChurnQuery>;
      windowFilters({ to: query.as_of });
      return churnRisk(deps.db, query);
    },
  );

  app.get(
    '/api/v1/customers/:id',
    {
      config: { access: 'analyst', cache: true },
      schema: { tags: ['customers'], summary: 'One customer: profile, totals, RFM, monthly activity, top products', params: CustomerParams, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => customerDetail(deps.db, (request.params as { id: string }).id, visibilityOf(request, deps)),
  );

  app.get(
    '/api/v1/customers/:id/export',
    {
      config: { access: 'admin' },
      schema: { tags: ['privacy'], summary: 'Everything held about one customer, in every layer (audited)', params: CustomerParams, response: { 200: AnyObject, ...errorResponses } },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      if (!/^\d+$/.test(id)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'id: the real customer id is needed here', { details: { parameter: 'id' } });
      const data = await exportCustomer(deps.db, Number(id));
      await audit(deps.db, principalName(request.principal!), 'customer.export', id, { lines: data.counts });
      return data;
    },
  );

  app.delete(
    '/api/v1/customers/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['privacy'],
        summary: 'Erase one customer from every layer (the id is removed; sales stay as guest sales), rebuild gold, and record it in the audit log',
        params: CustomerParams,
        response: { 200: AnyObject, ...errorResponses },
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      if (!/^\d+$/.test(id)) throw new StrataError('STRATA_ERR_BAD_REQUEST', 'id: the real customer id is needed here', { details: { parameter: 'id' } });
      const result = await eraseCustomer(deps.runner, Number(id));
      await audit(deps.db, principalName(request.principal!), 'customer.erase', id, result);
      return result;
    },
  );
}
