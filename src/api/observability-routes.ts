/**
 * The operator's routes beside /metrics: the health score, alerts and silences. Also owns the
 * alert evaluation loop of this server (`app.alerts.start()` in `strata serve`), which evaluates
 * the rules with the reader pool and the server's own metrics registry.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  activeSilences,
  createNotifiers,
  createSilence,
  deleteSilence,
  evaluateAlerts,
  listAlertEvents,
  loadAlertsConfig,
  loadStates,
  startIntervalRunner,
  type AlertLogger,
  type AlertsConfig,
  type EvaluationReport,
  type IntervalRunner,
} from '../alerts/index.js';
import { healthScore, readHealthInputs, type StrataMetrics } from '../observability/index.js';
import { StrataError } from '../shared/index.js';
import { principalName } from './auth/index.js';
import type { RouteDeps } from './route-deps.js';
import { AnyObject, errorResponses } from './schemas.js';

export interface AlertService {
  readonly config: AlertsConfig;
  /** One evaluation now, queued behind any in progress. */
  evaluate(now?: Date): Promise<EvaluationReport>;
  /** Starts evaluating every `intervalMs` (config.alertsIntervalMs by default; 0 = never). */
  start(intervalMs?: number): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertService;
  }
}

const AlertsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), rule: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' })) }, { additionalProperties: false });
const SilenceBody = Type.Object(
  {
    matchers: Type.Record(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }), Type.String({ minLength: 1, maxLength: 500 }), { minProperties: 1, maxProperties: 20, description: 'label -> exact value; "rule" matches the rule name' }),
    duration_seconds: Type.Integer({ minimum: 1, maximum: 90 * 86_400, description: 'how long the silence lasts' }),
    comment: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
const SilenceId = Type.Object({ id: Type.String({ pattern: '^sil_[0-9a-f]{16}$' }) }, { additionalProperties: false });

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function registerObservability(app: FastifyInstance, deps: RouteDeps, metrics: StrataMetrics): void {
  const config = loadAlertsConfig(deps.config);
  const notifiers = createNotifiers(config.notifiers);
  const logger = app.log as unknown as AlertLogger;
  const alertDeps = { config, db: deps.db, registry: metrics.registry, notifiers, logger };
  let runner: IntervalRunner<EvaluationReport> = startIntervalRunner((now) => evaluateAlerts(alertDeps, now), { intervalMs: 0 });
  const service: AlertService = {
    config,
    evaluate: (now) => runner.runNow(now),
    start(intervalMs = deps.config.alertsIntervalMs) {
      if (intervalMs <= 0) return;
      void runner.stop();
      runner = startIntervalRunner((now) => evaluateAlerts(alertDeps, now), {
        intervalMs,
        onError: (error) => app.log.error({ err: error, code: 'STRATA_ERR_ALERT_RULE' }, 'alert evaluation failed'),
      });
    },
  };
  app.decorate('alerts', service);
  app.addHook('onClose', async () => {
    await runner.stop();
    for (const n of notifiers) n.close?.();
  });

  app.get(
    '/api/v1/health/score',
    { config: { access: 'viewer' }, schema: { tags: ['operations'], summary: 'Health score per area (pipeline, freshness, quality, API errors) and overall, with inputs and formulas', response: { 200: AnyObject, ...errorResponses } } },
    async () => {
      const now = Date.now();
      const inputs = await readHealthInputs(deps.db, metrics.apiWindow, { maxAgeSeconds: deps.config.freshnessMaxAgeSeconds, nowMs: now });
      return { as_of: new Date(now).toISOString(), ...healthScore(inputs) };
    },
  );

  app.get(
    '/api/v1/alerts',
    { config: { access: 'viewer' }, schema: { tags: ['operations'], summary: 'Alerts pending or firing now, the rules, and the alert history (newest first)', querystring: AlertsQuery, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const query = request.query as Static<typeof AlertsQuery>;
      const states = [...(await loadStates(deps.db)).values()];
      return {
        active: states
          .filter((s) => s.status === 'pending' || s.status === 'firing')
          .map((s) => ({ fingerprint: s.fingerprint, rule: s.rule, severity: s.severity, labels: s.labels, status: s.status, since: iso(s.activeSince), fired_at: iso(s.firedAt), value: s.value, summary: s.summary, notified: s.notified })),
        rules: config.rules.map((r) => ({ name: r.name, severity: r.severity, source: r.source.kind, condition: r.condition.kind, for_seconds: r.for / 1000 })),
        history: await listAlertEvents(deps.db, { limit: query.limit, rule: query.rule }),
      };
    },
  );

  app.post(
    '/api/v1/alerts/evaluate',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'Evaluate every alert rule now and send the notices due', response: { 200: AnyObject, ...errorResponses } } },
    async () => service.evaluate(),
  );

  app.get(
    '/api/v1/alerts/silences',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'Silences in force', response: { 200: AnyObject, ...errorResponses } } },
    async () => ({ silences: (await activeSilences(deps.db, Date.now())).map((s) => ({ id: s.silenceId, matchers: s.matchers, comment: s.comment, created_by: s.createdBy, expires_at: iso(s.expiresAt) })) }),
  );

  app.post(
    '/api/v1/alerts/silences',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'Silence alerts whose labels match, for a while', body: SilenceBody, response: { 201: AnyObject, ...errorResponses } } },
    async (request, reply) => {
      const body = request.body as Static<typeof SilenceBody>;
      const now = Date.now();
      const silence = await createSilence(deps.db, { matchers: body.matchers, comment: body.comment, createdBy: principalName(request.principal!), expiresAt: now + body.duration_seconds * 1000 }, now);
      return reply.code(201).send({ id: silence.silenceId, matchers: silence.matchers, comment: silence.comment, created_by: silence.createdBy, expires_at: iso(silence.expiresAt) });
    },
  );

  app.delete(
    '/api/v1/alerts/silences/:id',
    { config: { access: 'engineer' }, schema: { tags: ['operations'], summary: 'End a silence now', params: SilenceId, response: { 200: AnyObject, ...errorResponses } } },
    async (request) => {
      const { id } = request.params as Static<typeof SilenceId>;
      if (!(await deleteSilence(deps.db, id, Date.now()))) throw new StrataError('STRATA_ERR_NOT_FOUND', `no silence ${id} in force`);
      return { id, deleted: true };
    },
  );
}
