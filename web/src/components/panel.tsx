import type { ReactNode } from 'react';

/** A titled card holding one chart or table; `wide` spans the full grid row. */
export function Panel({
  title,
  actions,
  children,
  wide,
  testId,
  note,
}: {
  readonly title: string;
  readonly actions?: ReactNode;
  readonly children: ReactNode;
  readonly wide?: boolean;
  readonly testId?: string;
  readonly note?: ReactNode;
}): React.JSX.Element {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`panel${wide ? ' wide' : ''}`} aria-labelledby={id} data-testid={testId}>
      <header className="panel-header">
        <h2 id={id}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {children}
      {note ? <p className="panel-note">{note}</p> : null}
    </section>
  );
}
