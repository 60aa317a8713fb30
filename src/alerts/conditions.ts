/** Alert conditions over one series: thresholds, or anomalies against the series' own history. Pure. */
import type { AlertCondition } from './alert-config.js';

export interface Observation {
  readonly active: boolean;
  readonly value: number | null;
  /** What the value was compared with (the threshold, the history's median, the max age). */
  readonly baseline: number | null;
  readonly reason: string;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 1 ? 4 : 2));

/**
 * `current` is the latest value, `history` the earlier ones, oldest first. A missing current
 * value is never active; an anomaly condition with too little history is not active either
 * (it says so in the reason).
 */
export function evaluateCondition(condition: AlertCondition, current: number | null, history: readonly number[], nowMs: number): Observation {
  if (current === null) return { active: false, value: null, baseline: null, reason: 'no value' };
  switch (condition.kind) {
    case 'threshold': {
      const active = COMPARE[condition.op]!(current, condition.value);
      return { active, value: current, baseline: condition.value, reason: `${fmt(current)} ${active ? '' : 'not '}${condition.op} ${fmt(condition.value)}` };
    }
    case 'drop':
    case 'spike': {
      const window = history.slice(-condition.history);
      if (window.length < condition.min_history) return { active: false, value: current, baseline: null, reason: `${window.length} earlier points, ${condition.min_history} needed` };
      const base = median(window);
      if (condition.kind === 'drop') {
        const floor = (1 - condition.ratio) * base;
        const active = current < floor;
        return { active, value: current, baseline: base, reason: `${fmt(current)} is ${base ? fmt((100 * (base - current)) / base) : '0'}% below the median ${fmt(base)} of ${window.length} earlier points (alert below ${fmt(floor)})` };
      }
      const ceiling = Math.max(condition.factor * base, base + condition.min_delta);
      const active = current > ceiling;
      return { active, value: current, baseline: base, reason: `${fmt(current)} against the median ${fmt(base)} of ${window.length} earlier points (alert above ${fmt(ceiling)})` };
    }
    case 'stale': {
      const ageSeconds = nowMs / 1000 - current;
      const active = ageSeconds * 1000 > condition.max_age;
      return { active, value: current, baseline: condition.max_age / 1000, reason: `last update ${fmt(Math.round(ageSeconds))} s ago (alert after ${fmt(condition.max_age / 1000)} s)` };
    }
  }
}
