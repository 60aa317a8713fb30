/** The dashboard's SQL console, the asset lineage and the engineers' run button. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_MAX_ROWS, runConsoleQuery } from '../../analytics/index.js';
import { loadGoldModels, projectColumnLineage, type ModelColumnLineage } from '../../pipeline/index.js';
import { modelsDir } from '../../shared/index.js';
import { roleAtLeast } from '../auth/index.js';
import type { RouteDeps } from '../route-deps.js';
import { AnyObject, errorResponses } from '../schemas.js';

const QueryBody = Type.Object(
  { sql: Type.String({ minLength: 1, maxLength: 20_000 }), limit: Type.Integer({ minimum: 1, maximum: CONSOLE_MAX_ROWS, default: 1000 }) },
  { additionalProperties: false },
);

export function consoleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // Column lineage parses every model: once per process, on first use (the models do not change).
  let columnLineage: Promise<ModelColumnLineage[]> | null = null;
  app.post(
    '/api/v1/query',
    { config: { access: 'analyst' }, schema: { tags: ['operations'], summary: 'One read-only SELECT over silver and gold (analysts: relations without customer ids)', body: QueryBody, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const body = request.body as Static<typeof QueryBody>;
      return runConsoleQuery(deps.db, { sql: body.sql, limit: body.limit, allowPersonal: roleAtLeast(request.principal!.role, 'engineer') });
    },
  );

  app.get(
    '/api/v1/lineage',
    { config: { access: 'engineer', cache: true }, schema: { tags: ['operations'], summary: 'The asset graph (sources, bronze, quality, silver, gold models and marts) and the upstream columns of every gold column', response: { 200: AnyObject, ...errorResponses } } },
    async () => {
      const models = loadGoldModels(path.join(modelsDir(), 'gold'));
      const nodes = [
        { id: 'sources', layer: 'source', description: 'CSV and Excel files, HTTP pushes' },
        { id: 'bronze.transactions_raw', layer: 'bronze', description: 'every row as received' },
        { id: 'quality.quarantine', layer: 'quality', description: 'rows that broke an error rule' },
        { id: 'silver.transactions', layer: 'silver', description: 'typed, cleaned, de-duplicated' },
        ...models.map((m) => ({ id: `gold.${m.name}`, layer: m.name.startsWith('mart_') ? 'mart' : 'gold', description: m.description })),
      ];
      const edges = [
        { from: 'sources', to: 'bronze.transactions_raw' },
        { from: 'bronze.transactions_raw', to: 'quality.quarantine' },
        { from: 'bronze.transactions_raw', to: 'silver.transactions' },
        ...models.flatMap((m) => [
          ...(/\bsilver\.transactions\b/.test(m.sql) ? [{ from: 'silver.transactions', to: `gold.${m.name}` }] : []),
          ...m.dependsOn.map((d) => ({ from: `gold.${d}`, to: `gold.${m.name}` })),
        ]),
      ];
      columnLineage ??= projectColumnLineage(models).catch((error: unknown) => {
        columnLineage = null;
        throw error;
      });
      return { nodes, edges, columns: await columnLineage };
    },
  );

  app.post(
    '/api/v1/runs',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'Start a pipeline run over the landing folder; answers 202 at once', response: { 202: AnyObject, ...errorResponses } } },
    async (_request, reply) => {
      const landing = path.join(deps.config.dataDir, 'landing');
      mkdirSync(landing, { recursive: true });
      const started = deps.runner.run({ inputs: [landing], command: 'api' });
      started.catch(() => undefined); // the outcome is recorded in meta.runs and shown by GET /runs
      return reply.code(202).send({ status: 'started', landing, busy: true });
    },
  );
}
