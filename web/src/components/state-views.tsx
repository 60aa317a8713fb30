/** The loading, empty and error states every panel shows instead of a blank space. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import type { Resource } from '../hooks/use-resource';

export function Loading({ label = 'Loading…', height }: { readonly label?: string; readonly height?: number | string }): React.JSX.Element {
  return (
    <div className="state state-loading" role="status" aria-live="polite" style={height ? { minHeight: height } : undefined}>
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children = 'No data for these filters.', height }: { readonly children?: ReactNode; readonly height?: number | string }): React.JSX.Element {
  return (
    <div className="state state-empty" data-testid="state-empty" style={height ? { minHeight: height } : undefined}>
      {children}
    </div>
  );
}

export function ErrorView({ error, onRetry, height }: { readonly error: Error; readonly onRetry?: () => void; readonly height?: number | string }): React.JSX.Element {
  const api = error instanceof ApiError ? error : null;
  if (api?.status === 403) {
    return (
      <div className="state state-forbidden" role="note" data-testid="state-forbidden" style={height ? { minHeight: height } : undefined}>
        Your role cannot see this. Ask an administrator for a role with more access.
      </div>
    );
  }
  return (
    <div className="state state-error" role="alert" data-testid="state-error" style={height ? { minHeight: height } : undefined}>
      <strong>Could not load this.</strong> <span className="error-message">{error.message}</span>
      {api ? <code className="error-code">{api.code}</code> : null}
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/**
 * Renders a resource: loading (keeping the previous content dimmed, so a filter change does not
 * make the page jump), error, empty (when `isEmpty` says so) or the content.
 */
export function Show<T>({
  resource,
  isEmpty,
  empty,
  height,
  children,
}: {
  readonly resource: Resource<T> & { reload?: () => void };
  readonly isEmpty?: (data: T) => boolean;
  readonly empty?: ReactNode;
  readonly height?: number | string;
  readonly children: (data: T) => ReactNode;
}): React.JSX.Element {
  if (resource.status === 'failed') return <ErrorView error={resource.error} height={height} {...(resource.reload ? { onRetry: resource.reload } : {})} />;
  const data = resource.status === 'ready' ? resource.data : resource.previous;
  if (data === null) return <Loading height={height} />;
  if (isEmpty?.(data)) return <Empty height={height}>{empty}</Empty>;
  return (
    <div className={resource.status === 'loading' ? 'stale' : undefined} aria-busy={resource.status === 'loading'}>
      {children(data)}
    </div>
  );
}
