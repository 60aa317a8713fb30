/** The shell: login gate, navigation (only what the role may use), theme switch and the page. */
import { useEffect, useRef } from 'react';
import { refreshBounds } from './api/bounds-store';
import { logout } from './api/client';
import { preloadCharts } from './charts/chart';
import { ErrorBoundary } from './components/error-boundary';
import { ErrorView, Loading } from './components/state-views';
import { setTheme, useTheme } from './hooks/use-theme';
import { LoginPage } from './pages/login-page';
import { PAGES, usePage } from './pages/registry';
import { hrefOf, navigate, useRoute } from './router/hash-route';
import { roleAtLeast } from './session/session';
import { useSession } from './session/use-session';

/** Filters every analytics page shares; carried along when moving between pages. */
const SHARED_PARAMS = ['p', 'from', 'to', 'country'] as const;

export function App(): React.JSX.Element {
  const session = useSession();
  const route = useRoute();
  const theme = useTheme();
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    if (session && (route.path === '/' || route.path === '/login')) navigate('/overview', undefined, true);
  }, [session, route.path]);

  // Ask for the data's date range first (every view needs it), then fetch the chart library
  // while the first page's data loads.
  useEffect(() => {
    if (!session) return;
    refreshBounds();
    void preloadCharts();
  }, [session]);

  const page = PAGES.find((p) => p.path === route.path);
  const pageLoad = usePage(page);
  const firstPage = useRef(true);
  useEffect(() => {
    document.title = page ? `${page.label} · Strata` : 'Strata';
    // After moving to another page, put focus on its content for keyboard and screen-reader
    // users; on the first load, leave it at the top so Tab reaches the skip link first.
    if (firstPage.current) firstPage.current = false;
    else if (page) main.current?.focus({ preventScroll: true });
  }, [page]);

  if (!session) return <LoginPage />;

  const shared = new URLSearchParams();
  for (const key of SHARED_PARAMS) {
    const value = route.params.get(key);
    if (value) shared.set(key, value);
  }
  const allowed = !page || roleAtLeast(session.role, page.minRole);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={hrefOf('/overview', shared)}>
          <span className="brand-mark" aria-hidden="true" />
          Strata
        </a>
        <div className="topbar-right">
          <span className="who" data-testid="who">
            {session.user} <span className={`role-badge role-${session.role}`}>{session.role}</span>
          </span>
          <button type="button" className="button ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} data-testid="theme-toggle">
            {theme === 'dark' ? '☀ Light' : '☾ Dark'}
          </button>
          <button type="button" className="button ghost" onClick={() => logout()}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Pages">
        <ul>
          {PAGES.filter((p) => roleAtLeast(session.role, p.minRole)).map((p) => (
            <li key={p.path}>
              <a href={hrefOf(p.path, shared)} aria-current={p.path === route.path ? 'page' : undefined} data-nav={p.path.slice(1)}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1} className="content">
        {!page ? (
          <div className="state state-empty">
            <h1>Page not found</h1>
            <p>
              <a href={hrefOf('/overview')}>Go to the overview</a>
            </p>
          </div>
        ) : !allowed ? (
          <div className="state state-forbidden" data-testid="page-forbidden">
            <h1>{page.label}</h1>
            <p>
              This page needs the <strong>{page.minRole}</strong> role or above; you are signed in as <strong>{session.role}</strong>.
            </p>
          </div>
        ) : pageLoad.status === 'ready' ? (
          <ErrorBoundary key={page.path}>
            <pageLoad.component />
          </ErrorBoundary>
        ) : pageLoad.status === 'failed' ? (
          <ErrorView error={pageLoad.error} onRetry={pageLoad.retry} />
        ) : (
          <Loading label={`Loading ${page.label}…`} />
        )}
      </main>
    </div>
  );
}
