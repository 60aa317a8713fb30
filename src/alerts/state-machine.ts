/**
 * The life of one alert (one rule + one label set), as a pure state machine:
 *
 *   inactive --active--> pending --held for `for`--> firing --inactive--> resolved
 *       ^                   |                                               |
 *       +----inactive-------+ (cleared, never notified)      active again --+--> pending/firing
 *
 * With `for` = 0 an active alert goes straight to firing. Notices are decided apart
 * (`noticeFor`): a firing alert is notified once (again only after the repeat interval), a
 * resolved one once if its firing was notified; silences hold back firing notices while they last.
 */
export type AlertStatus = 'inactive' | 'pending' | 'firing' | 'resolved';
export type Change = 'pending' | 'firing' | 'resolved' | 'cleared' | null;

export interface AlertState {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: AlertStatus;
  /** When the condition started to hold (ms), while pending or firing. */
  readonly activeSince: number | null;
  readonly firedAt: number | null;
  readonly resolvedAt: number | null;
  readonly value: number | null;
  readonly summary: string;
  /** The last notice delivered for this alert, and when. */
  readonly notified: 'firing' | 'resolved' | null;
  readonly notifiedAt: number | null;
  /** Recent values, oldest first (history for metric rules' anomaly conditions). */
  readonly history: readonly number[];
}

export interface Observed {
  readonly active: boolean;
  readonly value: number | null;
  readonly summary: string;
}

export const HISTORY_KEPT = 60;

export function initialState(fingerprint: string, rule: string, severity: string, labels: Readonly<Record<string, string>>): AlertState {
  return { fingerprint, rule, severity, labels, status: 'inactive', activeSince: null, firedAt: null, resolvedAt: null, value: null, summary: '', notified: null, notifiedAt: null, history: [] };
}

export function transition(prev: AlertState, observed: Observed, nowMs: number, forMs: number): { readonly next: AlertState; readonly change: Change } {
  const history = observed.value === null ? prev.history : [...prev.history, observed.value].slice(-HISTORY_KEPT);
  const base = { ...prev, value: observed.value, summary: observed.summary || prev.summary, history };
  if (observed.active) {
    if (prev.status === 'firing') return { next: base, change: null };
    const since = prev.status === 'pending' ? prev.activeSince ?? nowMs : nowMs;
    if (nowMs - since >= forMs) {
      // A new firing episode: the previous episode's notices no longer count.
      return { next: { ...base, status: 'firing', activeSince: since, firedAt: nowMs, resolvedAt: null, notified: null, notifiedAt: null }, change: 'firing' };
    }
    return { next: { ...base, status: 'pending', activeSince: since }, change: prev.status === 'pending' ? null : 'pending' };
  }
  if (prev.status === 'pending') return { next: { ...base, status: 'inactive', activeSince: null }, change: 'cleared' };
  if (prev.status === 'firing') return { next: { ...base, status: 'resolved', activeSince: null, resolvedAt: nowMs }, change: 'resolved' };
  return { next: base, change: null };
}

/** The notice this alert needs now, if any. */
export function noticeFor(state: AlertState, silenced: boolean, nowMs: number, repeatMs: number): 'firing' | 'resolved' | null {
  if (state.status === 'firing') {
    if (silenced) return null;
    if (state.notified !== 'firing') return 'firing';
    return state.notifiedAt !== null && nowMs - state.notifiedAt >= repeatMs ? 'firing' : null;
  }
  if (state.status === 'resolved' && state.notified === 'firing') return 'resolved';
  return null;
}

export interface Silence {
  readonly silenceId: string;
  /** Label name -> exact value; `rule` matches the rule's name. All must match. */
  readonly matchers: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  readonly comment: string;
  readonly createdBy: string;
}

export const silenceMatches = (silence: Silence, state: Pick<AlertState, 'rule' | 'labels'>, nowMs: number): boolean =>
  nowMs < silence.expiresAt && Object.entries(silence.matchers).every(([k, v]) => (k === 'rule' ? state.rule === v : state.labels[k] === v));
