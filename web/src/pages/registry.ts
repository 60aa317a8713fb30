/** Every page: its path, nav label, the least role that can use it, and how to load its chunk. */
import { useEffect, useState, type ComponentType } from 'react';
import type { Role } from '../session/session';

type PageModule = { readonly default: ComponentType };

export interface PageSpec {
  readonly path: string;
  readonly label: string;
  readonly minRole: Role;
  readonly load: () => Promise<PageModule>;
}

export const PAGES: readonly PageSpec[] = [
  { path: '/overview', label: 'Overview', minRole: 'viewer', load: () => import('./overview-page') },
  { path: '/sales', label: 'Sales', minRole: 'viewer', load: () => import('./sales-page') },
  { path: '/customers', label: 'Customers', minRole: 'viewer', load: () => import('./customers-page') },
  { path: '/products', label: 'Products', minRole: 'viewer', load: () => import('./products-page') },
  { path: '/geography', label: 'Geography', minRole: 'viewer', load: () => import('./geography-page') },
  { path: '/insights', label: 'Anomalies & forecast', minRole: 'viewer', load: () => import('./insights-page') },
  { path: '/quality', label: 'Data quality', minRole: 'viewer', load: () => import('./quality-page') },
  { path: '/health', label: 'Health & alerts', minRole: 'viewer', load: () => import('./health-page') },
  { path: '/pipeline', label: 'Pipeline', minRole: 'engineer', load: () => import('./pipeline-page') },
  { path: '/sql', label: 'SQL console', minRole: 'analyst', load: () => import('./sql-page') },
];

const loaded = new Map<string, ComponentType>();

export type PageLoad = { readonly status: 'loading' } | { readonly status: 'ready'; readonly component: ComponentType } | { readonly status: 'failed'; readonly error: Error };

/**
 * The page's component once its chunk is in. Not React.lazy: Suspense holds a revealed page back
 * for up to 300 ms after its fallback showed, which would eat a fifth of the draw-time budget.
 */
export function usePage(spec: PageSpec | undefined): PageLoad & { readonly retry: () => void } {
  const [state, setState] = useState<PageLoad>(() => {
    const component = spec && loaded.get(spec.path);
    return component ? { status: 'ready', component } : { status: 'loading' };
  });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!spec) return undefined;
    const known = loaded.get(spec.path);
    if (known) {
      setState({ status: 'ready', component: known });
      return undefined;
    }
    let live = true;
    setState({ status: 'loading' });
    spec.load().then(
      (module) => {
        loaded.set(spec.path, module.default);
        if (live) setState({ status: 'ready', component: module.default });
      },
      (error: unknown) => live && setState({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [spec, attempt]);
  const current = spec && state.status === 'ready' && loaded.get(spec.path) !== state.component ? { status: 'loading' as const } : state;
  return { ...current, retry: () => setAttempt((n) => n + 1) };
}
