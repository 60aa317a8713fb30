/**
 * Routing in the URL hash (`#/sales?from=...&country=France`): every view, with its filters, is a
 * link that can be shared and reloaded, and any static file server can serve the app unchanged.
 */
import { useCallback, useSyncExternalStore } from 'react';

export interface Route {
  readonly path: string;
  readonly params: URLSearchParams;
}

function parse(hash: string): Route {
  const text = hash.replace(/^#/, '') || '/';
  const q = text.indexOf('?');
  const path = (q < 0 ? text : text.slice(0, q)) || '/';
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(q < 0 ? '' : text.slice(q + 1)) };
}

let cachedHash: string | null = null;
let cachedRoute: Route = parse('');

function snapshot(): Route {
  if (cachedHash !== location.hash) {
    cachedHash = location.hash;
    cachedRoute = parse(location.hash);
  }
  return cachedRoute;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export const useRoute = (): Route => useSyncExternalStore(subscribe, snapshot);

export function hrefOf(path: string, params?: URLSearchParams | Record<string, string | null | undefined>): string {
  const search = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (params && !(params instanceof URLSearchParams)) for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

/** Navigates; `replace` keeps filter tweaks from flooding the back button. */
export function navigate(path: string, params?: URLSearchParams | Record<string, string | null | undefined>, replace = false): void {
  const href = hrefOf(path, params);
  if (href === location.hash) return;
  if (replace) history.replaceState(history.state, '', href);
  else history.pushState(history.state, '', href);
  // pushState/replaceState do not fire hashchange; tell our subscribers ourselves.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * URL query parameters as state: read with `get`, change several at once with `set` (null or ''
 * removes a key). Filters therefore survive a reload and are shareable.
 */
export function useUrlParams(): { params: URLSearchParams; get: (key: string) => string | null; set: (changes: Record<string, string | null | undefined>, push?: boolean) => void } {
  const route = useRoute();
  const set = useCallback(
    (changes: Record<string, string | null | undefined>, push = false) => {
      const current = snapshot();
      const next = new URLSearchParams(current.params);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === undefined || value === '') next.delete(key);
        else next.set(key, value);
      }
      navigate(current.path, next, !push);
    },
    [],
  );
  const get = useCallback((key: string) => route.params.get(key), [route]);
  return { params: route.params, get, set };
}
