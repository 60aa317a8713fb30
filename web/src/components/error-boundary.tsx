import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Keeps one broken view from blanking the whole dashboard. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode }, { readonly error: Error | null }> {
  override state: { readonly error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error) {
      return (
        <div className="state state-error" role="alert" data-testid="state-error">
          <strong>This view failed to render.</strong> <span className="error-message">{this.state.error.message}</span>
          <button type="button" className="button small" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
