/**
 * The first and last day of the data, which the date presets count back from. Remembered in
 * localStorage so a returning user's first view can ask for its data at once instead of waiting
 * for this answer; refreshed from the API on every page load, and views follow if it moved
 * (after a pipeline run loaded new days).
 */
import { useSyncExternalStore } from 'react';
import { getKpis } from './endpoints';
import type { Window } from './types';

export type BoundsState = { readonly status: 'loading' } | { readonly status: 'ready'; readonly data: Window } | { readonly status: 'failed'; readonly error: Error };

const KEY = 'strata.data-bounds';
const ISO = /^\d{4}-\d{2}-\d{2}$/;

function remembered(): Window | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    const w = value as Partial<Window> | null;
    return w && typeof w.from === 'string' && typeof w.to === 'string' && ISO.test(w.from) && ISO.test(w.to) ? { from: w.from, to: w.to } : null;
  } catch {
    return null;
  }
}

let state: BoundsState = (() => {
  const cached = remembered();
  return cached ? { status: 'ready', data: cached } : { status: 'loading' };
})();
let inFlight = false;
let refreshed = false;
const listeners = new Set<() => void>();

function publish(next: BoundsState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Asks the API (once per page load, or again after a failure). */
export function refreshBounds(): void {
  if (inFlight || refreshed) return;
  inFlight = true;
  getKpis({}).then(
    (report) => {
      inFlight = false;
      refreshed = true;
      const { from, to } = report.window;
      try {
        localStorage.setItem(KEY, JSON.stringify({ from, to }));
      } catch {
        // No storage: the next load asks again, that is all.
      }
      if (state.status !== 'ready' || state.data.from !== from || state.data.to !== to) publish({ status: 'ready', data: { from, to } });
    },
    (error: unknown) => {
      inFlight = false;
      // A remembered window stays usable; only with nothing to show is this an error.
      if (state.status !== 'ready') publish({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
    },
  );
}

export function retryBounds(): void {
  if (state.status === 'failed') publish({ status: 'loading' });
  refreshBounds();
}

export function useBoundsState(): BoundsState {
  refreshBounds();
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
