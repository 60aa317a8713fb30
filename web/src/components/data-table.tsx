/**
 * A sortable table: click (or Enter/Space on) a column header to sort, again to reverse. Sorting
 * is on the raw values, never on the formatted text.
 */
import { useMemo, useState, type ReactNode } from 'react';

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly value: (row: T) => unknown;
  readonly render?: (row: T) => ReactNode;
  readonly align?: 'left' | 'right';
  readonly sortable?: boolean;
}

type Direction = 'ascending' | 'descending';

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const na = typeof a === 'string' ? Number(a) : NaN;
  const nb = typeof b === 'string' ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb) && String(a).trim() !== '' && String(b).trim() !== '') return na - nb;
  return String(a).localeCompare(String(b), 'en-GB');
}

export function DataTable<T>({
  columns,
  rows,
  caption,
  rowKey,
  initialSort,
  maxHeight,
  testId,
}: {
  readonly columns: readonly Column<T>[];
  readonly rows: readonly T[];
  readonly caption: string;
  readonly rowKey: (row: T, index: number) => string;
  readonly initialSort?: { readonly key: string; readonly direction: Direction };
  readonly maxHeight?: number;
  readonly testId?: string;
}): React.JSX.Element {
  const [sort, setSort] = useState<{ key: string; direction: Direction } | null>(initialSort ?? null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    const sign = sort.direction === 'ascending' ? 1 : -1;
    return [...rows].sort((a, b) => sign * compareValues(column.value(a), column.value(b)));
  }, [rows, columns, sort]);

  const toggle = (key: string): void =>
    setSort((s) => (s?.key === key ? { key, direction: s.direction === 'ascending' ? 'descending' : 'ascending' } : { key, direction: 'descending' }));

  return (
    <div className="table-wrap" style={maxHeight ? { maxHeight } : undefined} tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table" data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort?.key === c.key ? sort.direction : 'none'} className={c.align === 'right' ? 'num' : undefined}>
                {c.sortable === false ? (
                  c.label
                ) : (
                  <button type="button" className="sort-button" onClick={() => toggle(c.key)} data-column={c.key}>
                    {c.label}
                    <span className="sort-mark" aria-hidden="true">
                      {sort?.key === c.key ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                  {c.render ? c.render(row) : formatCell(c.value(row))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
