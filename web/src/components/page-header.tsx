import type { ReactNode } from 'react';

export function PageHeader({ title, children }: { readonly title: string; readonly children?: ReactNode }): React.JSX.Element {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <p className="muted">{children}</p> : null}
    </div>
  );
}
