/** Data quality (scores, rule results, quarantined rows) and pipeline runs. */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { QUARANTINE_PAGE_MAX, quarantineRows } from '../../analytics/index.js';
import type { Warehouse } from '../../engine/index.js';
import { listRuns, runSteps } from '../../pipeline/index.js';
import { qualityReport } from '../../quality/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, errorResponses } from '../schemas.js';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,80}$' });
const QualityQuery = Type.Object({ batch_id: Type.Optional(Id), limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }, { additionalProperties: false });
const QuarantineQuery = Type.Object(
  { batch_id: Type.Optional(Id), rule_id: Type.Optional(Id), limit: Type.Integer({ minimum: 1, maximum: QUARANTINE_PAGE_MAX, default: 100 }), offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }) },
  { additionalProperties: false },
);
const RunsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }, { additionalProperties: false });

/** The report and run-store functions take a Warehouse but only read through `query`. */
const asReader = (deps: RouteDeps): Warehouse => ({ query: deps.db.query.bind(deps.db) }) as unknown as Warehouse;

export function operationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get(
    '/api/v1/quality',
    { config: { access: 'viewer', cache: true }, schema: { tags: ['operations'], summary: 'Batch scores, rule results and the commonest quarantine reasons', querystring: QualityQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const query = request.query as Static<typeof QualityQuery>;
      return qualityReport(asReader(deps), { ...(query.batch_id ? { batchId: query.batch_id } : {}), limit: query.limit });
    },
  );

  app.get(
    '/api/v1/quality/quarantine',
    { config: { access: 'engineer', cache: true }, schema: { tags: ['operations'], summary: 'Quarantined rows with file, line, rule and reason', querystring: QuarantineQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => quarantineRows(deps.db, request.query as Static<typeof QuarantineQuery>),
  );

  app.get(
    '/api/v1/runs',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'Pipeline runs, newest first, with the steps of each', querystring: RunsQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const reader = asReader(deps);
      const runs = await listRuns(reader, (request.query as Static<typeof RunsQuery>).limit);
      const withSteps = await Promise.all(runs.map(async (run) => ({ ...run, steps: await runSteps(reader, run.run_id) })));
      return { busy: deps.runner.busy, runs: withSteps };
    },
  );
}
