/**
 * One evaluation of every alert rule: read each rule's series, decide each alert's state (pure
 * state machine), send the notices due, grouped, to every notifier, and store state and history.
 * `evaluateAlerts(deps, now)` is all a scheduler needs (strata serve's interval, `strata alerts
 * evaluate`, a daemon job). Evaluations must not overlap on one warehouse: the runner serialises them.
 */
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { QuerySource } from '../analytics/index.js';
import { describeError, sha256Hex } from '../shared/index.js';
import type { AlertRule, AlertsConfig } from './alert-config.js';
import { appendAlertEvents, activeSilences, loadStates, saveStates, type AlertEvent } from './alert-store.js';
import { evaluateCondition } from './conditions.js';
import { groupNotices, type GroupNotice } from './grouping.js';
import type { Notifier } from './notifiers/index.js';
import { seriesOf } from './sources.js';
import { initialState, noticeFor, silenceMatches, transition, type AlertState, type Change } from './state-machine.js';

/** The pino-compatible logger subset evaluations write to. */
export interface AlertLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): AlertLogger;
}

export interface AlertDeps {
  readonly config: AlertsConfig;
  /** Rule queries (through the SQL console's guard) and the meta.alert_* tables. */
  readonly db: QuerySource;
  /** Metrics that metric rules read (the server's registry, or one over the warehouse for the CLI). */
  readonly registry?: Registry | undefined;
  readonly notifiers: readonly Notifier[];
  readonly logger?: AlertLogger | undefined;
}

export interface EvaluationReport {
  readonly evaluationId: string;
  readonly at: string;
  readonly rules: readonly { readonly rule: string; readonly series: number; readonly error: string | null }[];
  readonly changes: readonly { readonly rule: string; readonly labels: Readonly<Record<string, string>>; readonly change: Exclude<Change, null>; readonly summary: string }[];
  readonly notices: readonly { readonly key: string; readonly status: 'firing' | 'resolved'; readonly alerts: number; readonly delivered: readonly string[]; readonly failed: readonly { readonly notifier: string; readonly error: string }[] }[];
  readonly active: readonly AlertState[];
}

export const fingerprintOf = (rule: string, labels: Readonly<Record<string, string>>): string =>
  sha256Hex(`${rule}\u0000${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`).slice(0, 16);

const render = (template: string, labels: Readonly<Record<string, string>>, fields: Readonly<Record<string, string>>): string =>
  template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (m, key: string) => fields[key] ?? labels[key] ?? m);

const fmtValue = (v: number | null): string => (v === null ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(2));

export async function evaluateAlerts(deps: AlertDeps, now: Date = new Date()): Promise<EvaluationReport> {
  const nowMs = now.getTime();
  const evaluationId = `eval_${randomUUID().slice(0, 12)}`;
  const log = deps.logger?.child({ evaluation_id: evaluationId });
  const states = await loadStates(deps.db);
  const silences = await activeSilences(deps.db, nowMs);
  const events: AlertEvent[] = [];
  const changed = new Map<string, AlertState>();
  const rulesReport: { rule: string; series: number; error: string | null }[] = [];
  const changes: { rule: string; labels: Record<string, string>; change: Exclude<Change, null>; summary: string }[] = [];
  const ruleOf = new Map(deps.config.rules.map((r) => [r.name, r]));

  for (const rule of deps.config.rules) {
    let series;
    try {
      series = await seriesOf(rule.source, { db: deps.db, registry: deps.registry, schemas: deps.config.sql_schemas });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      rulesReport.push({ rule: rule.name, series: 0, error: message });
      events.push({ fingerprint: null, rule: rule.name, severity: rule.severity, labels: null, kind: 'rule_error', value: null, summary: message });
      log?.warn({ rule: rule.name, code: 'STRATA_ERR_ALERT_RULE', error: message }, 'alert rule could not be evaluated');
      continue;
    }
    rulesReport.push({ rule: rule.name, series: series.length, error: null });
    const seen = new Set<string>();
    for (const s of series) {
      const fingerprint = fingerprintOf(rule.name, s.labels);
      seen.add(fingerprint);
      const prev = states.get(fingerprint) ?? initialState(fingerprint, rule.name, rule.severity, s.labels);
      const history = s.history ?? prev.history;
      const observation = evaluateCondition(rule.condition, s.current, history, nowMs);
      const summary = render(rule.summary, s.labels, { value: fmtValue(observation.value), baseline: fmtValue(observation.baseline), reason: observation.reason, rule: rule.name });
      step(rule, { ...prev, severity: rule.severity }, { active: observation.active, value: observation.value, summary });
    }
    // An alert whose series is gone (the file no longer fails, the asset is back) is no longer active.
    for (const prev of states.values()) {
      if (prev.rule !== rule.name || seen.has(prev.fingerprint) || (prev.status !== 'pending' && prev.status !== 'firing')) continue;
      step(rule, prev, { active: false, value: null, summary: prev.summary });
    }
  }

  function step(rule: AlertRule, prev: AlertState, observed: { active: boolean; value: number | null; summary: string }): void {
    const { next, change } = transition(prev, observed, nowMs, rule.for);
    changed.set(next.fingerprint, next);
    states.set(next.fingerprint, next);
    if (!change) return;
    const silence = silences.find((x) => silenceMatches(x, next, nowMs));
    changes.push({ rule: rule.name, labels: { ...next.labels }, change, summary: next.summary });
    events.push({ fingerprint: next.fingerprint, rule: next.rule, severity: next.severity, labels: next.labels, kind: change, value: next.value, summary: next.summary, ...(silence ? { detail: { silenced_by: silence.silenceId } } : {}) });
    log?.[change === 'firing' ? 'warn' : 'info']({ rule: next.rule, fingerprint: next.fingerprint, labels: next.labels, change, value: next.value, ...(silence ? { silenced_by: silence.silenceId } : {}) }, `alert ${change}`);
  }

  // Notices: every alert (not only those that changed) may be due, e.g. after a silence expired.
  const due = [...states.values()].flatMap((state) => {
    const rule = ruleOf.get(state.rule);
    if (!rule) return [];
    const silenced = silences.some((x) => silenceMatches(x, state, nowMs));
    const kind = noticeFor(state, silenced, nowMs, deps.config.repeat_interval);
    return kind ? [{ state, kind, groupBy: rule.group_by ?? deps.config.group_by }] : [];
  });
  const notices = deps.notifiers.length ? groupNotices(due) : [];
  const noticeReport: EvaluationReport['notices'][number][] = [];
  for (const notice of notices) {
    const delivered: string[] = [];
    const failed: { notifier: string; error: string }[] = [];
    for (const notifier of deps.notifiers) {
      try {
        await notifier.send(notice);
        delivered.push(notifier.name);
      } catch (error) {
        failed.push({ notifier: notifier.name, error: describeError(error) });
      }
    }
    noticeReport.push({ key: notice.key, status: notice.status, alerts: notice.alerts.length, delivered, failed });
    recordNotice(notice, delivered, failed);
  }

  function recordNotice(notice: GroupNotice, delivered: readonly string[], failed: readonly { notifier: string; error: string }[]): void {
    for (const a of notice.alerts) {
      const state = states.get(a.fingerprint)!;
      if (delivered.length) {
        // Delivered anywhere counts: the alert is not sent again until it changes or the repeat interval passes.
        const next = { ...state, notified: notice.status, notifiedAt: nowMs };
        states.set(a.fingerprint, next);
        changed.set(a.fingerprint, next);
      }
      const detail = { group_key: notice.key, delivered, failed };
      events.push({ fingerprint: a.fingerprint, rule: a.rule, severity: a.severity, labels: a.labels, kind: delivered.length ? 'notified' : 'notify_failed', value: a.value, summary: a.summary, detail: { ...detail, notice: notice.status } });
    }
    if (delivered.length) log?.info({ group_key: notice.key, status: notice.status, alerts: notice.alerts.length, delivered }, 'alert notice sent');
    for (const f of failed) log?.error({ group_key: notice.key, status: notice.status, notifier: f.notifier, code: 'STRATA_ERR_NOTIFY', error: f.error }, 'alert notice failed');
  }

  await saveStates(deps.db, [...changed.values()], nowMs);
  await appendAlertEvents(deps.db, evaluationId, events, nowMs);
  return {
    evaluationId,
    at: now.toISOString(),
    rules: rulesReport,
    changes,
    notices: noticeReport,
    active: [...states.values()].filter((s) => s.status === 'pending' || s.status === 'firing').sort((a, b) => a.rule.localeCompare(b.rule) || a.fingerprint.localeCompare(b.fingerprint)),
  };
}
