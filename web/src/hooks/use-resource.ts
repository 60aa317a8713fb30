/**
 * Loads something asynchronous for a view, as an explicit state: loading, ready or failed. A new
 * key aborts the previous request, so a fast filter change never shows stale data.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';

export type Resource<T> =
  | { readonly status: 'loading'; readonly previous: T | null }
  | { readonly status: 'ready'; readonly data: T }
  | { readonly status: 'failed'; readonly error: ApiError | Error };

export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> & { reload: () => void } {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', previous: null });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // A layout effect, so the request leaves during the commit, not after other queued work (such
  // as evaluating the chart library) that a passive effect would wait behind.
  useLayoutEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    setState((s) => ({ status: 'loading', previous: s.status === 'ready' ? s.data : s.status === 'loading' ? s.previous : null }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [key, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  // A stable object while nothing changed, so views can memoise chart options on it.
  return useMemo(() => ({ ...state, reload }), [state, reload]);
}

/** True when a request failed because the user's role may not see it (HTTP 403). */
export const isForbidden = (error: unknown): boolean => error instanceof ApiError && error.status === 403;
