/** Saved SQL queries, per browser, in localStorage. */
export interface SavedQuery {
  readonly name: string;
  readonly sql: string;
  readonly savedAt: string;
}

const KEY = 'strata.saved-queries';

export function loadSaved(): SavedQuery[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter((q): q is SavedQuery => !!q && typeof q === 'object' && typeof (q as SavedQuery).name === 'string' && typeof (q as SavedQuery).sql === 'string');
  } catch {
    return [];
  }
}

function store(queries: readonly SavedQuery[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(queries));
  } catch {
    // Storage full or disabled: the list lives until the page closes.
  }
}

/** Saves (or replaces, by name) a query; returns the new list, newest first. */
export function saveQuery(name: string, sql: string): SavedQuery[] {
  const next = [{ name, sql, savedAt: new Date().toISOString() }, ...loadSaved().filter((q) => q.name !== name)];
  store(next);
  return next;
}

export function deleteQuery(name: string): SavedQuery[] {
  const next = loadSaved().filter((q) => q.name !== name);
  store(next);
  return next;
}
