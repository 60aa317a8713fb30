/**
 * Alert state, history and silences in the warehouse (meta.alert_*, models/ddl/006_alerts.sql).
 * Times go in and out as epoch milliseconds (epoch_ms), so no time zone is involved. Writes use
 * `query` only, so the server's reader pool (which also keeps api.*) can hold them.
 */
import { randomBytes } from 'node:crypto';
import type { QuerySource } from '../analytics/index.js';
import type { AlertState, Silence } from './state-machine.js';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? fallback));

export async function loadStates(db: QuerySource): Promise<Map<string, AlertState>> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT fingerprint, rule, severity, labels::VARCHAR AS labels, status, epoch_ms(active_since) AS active_since, epoch_ms(fired_at) AS fired_at,
            epoch_ms(resolved_at) AS resolved_at, value, summary, notified, epoch_ms(notified_at) AS notified_at, history::VARCHAR AS history
     FROM meta.alert_state`,
  );
  return new Map(
    rows.map((r) => [
      String(r['fingerprint']),
      {
        fingerprint: String(r['fingerprint']),
        rule: String(r['rule']),
        severity: String(r['severity']),
        labels: json<Record<string, string>>(r['labels'], {}),
        status: r['status'] as AlertState['status'],
        activeSince: num(r['active_since']),
        firedAt: num(r['fired_at']),
        resolvedAt: num(r['resolved_at']),
        value: num(r['value']),
        summary: String(r['summary'] ?? ''),
        notified: (r['notified'] as AlertState['notified']) ?? null,
        notifiedAt: num(r['notified_at']),
        history: json<number[]>(r['history'], []),
      },
    ]),
  );
}

export async function saveStates(db: QuerySource, states: readonly AlertState[], nowMs: number): Promise<void> {
  if (!states.length) return;
  // One statement for the lot: the states travel as one JSON parameter.
  await db.query(
    // An upsert both engines parse (INSERT OR REPLACE is DuckDB's own).
    `INSERT INTO meta.alert_state
     SELECT s->>'fingerprint', s->>'rule', s->>'severity', (s->'labels')::JSON, s->>'status',
            epoch_ms((s->>'activeSince')::BIGINT), epoch_ms((s->>'firedAt')::BIGINT), epoch_ms((s->>'resolvedAt')::BIGINT),
            (s->>'value')::DOUBLE, s->>'summary', s->>'notified', epoch_ms((s->>'notifiedAt')::BIGINT), (s->'history')::JSON, epoch_ms($now::BIGINT)
     FROM (SELECT unnest(from_json($states::JSON, '["JSON"]')) AS s) AS states
     ON CONFLICT (fingerprint) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, labels = excluded.labels, status = excluded.status,
       active_since = excluded.active_since, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at, value = excluded.value,
       summary = excluded.summary, notified = excluded.notified, notified_at = excluded.notified_at, history = excluded.history,
       evaluated_at = excluded.evaluated_at`,
    { states: JSON.stringify(states), now: nowMs },
  );
}

export interface AlertEvent {
  readonly fingerprint: string | null;
  readonly rule: string;
  readonly severity: string | null;
  readonly labels: Readonly<Record<string, string>> | null;
  readonly kind: 'pending' | 'firing' | 'resolved' | 'cleared' | 'notified' | 'notify_failed' | 'rule_error';
  readonly value: number | null;
  readonly summary: string | null;
  readonly detail?: unknown;
}

export async function appendAlertEvents(db: QuerySource, evaluationId: string, events: readonly AlertEvent[], nowMs: number): Promise<void> {
  if (!events.length) return;
  await db.query(
    `INSERT INTO meta.alert_events (occurred_at, evaluation_id, fingerprint, rule, severity, labels, kind, value, summary, detail)
     SELECT epoch_ms($now::BIGINT), $evaluation_id, e->>'fingerprint', e->>'rule', e->>'severity', (e->'labels')::JSON, e->>'kind', (e->>'value')::DOUBLE, e->>'summary', (e->'detail')::JSON
     FROM (SELECT unnest(from_json($events::JSON, '["JSON"]')) AS e)`,
    { events: JSON.stringify(events.map((e) => ({ ...e, detail: e.detail ?? null }))), evaluation_id: evaluationId, now: nowMs },
  );
}

export interface AlertEventRow {
  readonly event_id: number;
  readonly occurred_at: string;
  readonly evaluation_id: string;
  readonly fingerprint: string | null;
  readonly rule: string;
  readonly severity: string | null;
  readonly labels: unknown;
  readonly kind: string;
  readonly value: number | null;
  readonly summary: string | null;
  readonly detail: unknown;
}

export async function listAlertEvents(db: QuerySource, options: { readonly limit: number; readonly rule?: string | undefined }): Promise<AlertEventRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT event_id::INTEGER AS event_id, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS occurred_at, evaluation_id, fingerprint, rule, severity,
            labels::VARCHAR AS labels, kind, value, summary, detail::VARCHAR AS detail
     FROM meta.alert_events WHERE ($rule::VARCHAR IS NULL OR rule = $rule) ORDER BY event_id DESC LIMIT $limit`,
    { rule: options.rule ?? null, limit: options.limit },
  );
  return rows.map((r) => ({ ...(r as unknown as AlertEventRow), labels: json(r['labels'], null), detail: json(r['detail'], null) }));
}

export async function activeSilences(db: QuerySource, nowMs: number): Promise<Silence[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT silence_id, matchers::VARCHAR AS matchers, comment, created_by, epoch_ms(expires_at) AS expires_at
     FROM meta.alert_silences WHERE deleted_at IS NULL AND expires_at > epoch_ms($now::BIGINT) ORDER BY created_at`,
    { now: nowMs },
  );
  return rows.map((r) => ({ silenceId: String(r['silence_id']), matchers: json(r['matchers'], {}), comment: String(r['comment']), createdBy: String(r['created_by']), expiresAt: Number(r['expires_at']) }));
}

export async function createSilence(db: QuerySource, silence: Omit<Silence, 'silenceId'>, nowMs: number): Promise<Silence> {
  const silenceId = `sil_${randomBytes(8).toString('hex')}`;
  await db.query(
    `INSERT INTO meta.alert_silences VALUES ($id, $matchers::JSON, $comment, $created_by, epoch_ms($now::BIGINT), epoch_ms($expires::BIGINT), NULL)`,
    { id: silenceId, matchers: JSON.stringify(silence.matchers), comment: silence.comment, created_by: silence.createdBy, now: nowMs, expires: silence.expiresAt },
  );
  return { silenceId, ...silence };
}

/** Ends a silence now; false when there was no such active silence. */
export async function deleteSilence(db: QuerySource, silenceId: string, nowMs: number): Promise<boolean> {
  const rows = await db.query(`UPDATE meta.alert_silences SET deleted_at = epoch_ms($now::BIGINT) WHERE silence_id = $id AND deleted_at IS NULL RETURNING silence_id`, { id: silenceId, now: nowMs });
  return rows.length > 0;
}
