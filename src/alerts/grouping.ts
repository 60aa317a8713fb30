/**
 * Notices due in one evaluation, grouped: alerts with the same status and the same values of the
 * group-by labels go out as one notification (one webhook call, one email). Pure.
 */
import type { AlertState } from './state-machine.js';

export interface NoticeAlert {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly summary: string;
  readonly startsAt: string | null;
  readonly endsAt: string | null;
}

export interface GroupNotice {
  /** Stable key of the group: status and the group-by label values. */
  readonly key: string;
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly alerts: readonly NoticeAlert[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const SEVERITY_ORDER = ['critical', 'warning', 'info'];

export function groupNotices(due: readonly { readonly state: AlertState; readonly kind: 'firing' | 'resolved'; readonly groupBy: readonly string[] }[]): GroupNotice[] {
  const groups = new Map<string, { status: 'firing' | 'resolved'; groupLabels: Record<string, string>; alerts: NoticeAlert[] }>();
  for (const { state, kind, groupBy } of due) {
    const groupLabels = Object.fromEntries(groupBy.map((l) => [l, l === 'rule' ? state.rule : state.labels[l] ?? '']));
    const key = `${kind}|${JSON.stringify(groupLabels)}`;
    const group = groups.get(key) ?? { status: kind, groupLabels, alerts: [] };
    group.alerts.push({ fingerprint: state.fingerprint, rule: state.rule, severity: state.severity, labels: state.labels, value: state.value, summary: state.summary, startsAt: iso(state.firedAt), endsAt: kind === 'resolved' ? iso(state.resolvedAt) : null });
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({ key, ...g, alerts: g.alerts.sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** `[FIRING:2] source_file_failed (critical)`: the Alertmanager-style title of a group. */
export function titleOf(notice: GroupNotice): string {
  const severity = [...new Set(notice.alerts.map((a) => a.severity))].sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b))[0] ?? 'warning';
  const labels = Object.entries(notice.groupLabels).map(([k, v]) => (k === 'rule' ? v : `${k}=${v}`)).join(' ');
  return `[${notice.status.toUpperCase()}:${notice.alerts.length}] ${labels || 'alerts'} (${severity})`;
}

/** One line per alert: its labels and summary. */
export function linesOf(notice: GroupNotice): string[] {
  return notice.alerts.map((a) => {
    const labels = Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    return `${notice.status === 'resolved' ? 'resolved' : a.severity}: ${a.rule}${labels ? ` {${labels}}` : ''}: ${a.summary}`;
  });
}
