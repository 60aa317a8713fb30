/**
 * Date window (preset or from/to) and country controls, written to the URL. Pages add their own
 * controls (grain, metric, comparison) as children.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { getCountryNames } from '../api/endpoints';
import { PRESETS } from '../dates';
import type { FiltersState } from '../hooks/use-filters';
import { useUrlParams } from '../router/hash-route';

/** A new window invalidates a period picked inside the old one (Sales' cross-filter). */
const CROSS_FILTER_CLEARED = { sel_from: null, sel_to: null } as const;

export function FilterBar({ state, children, showCountry = true, showDates = true }: { readonly state: FiltersState; readonly children?: ReactNode; readonly showCountry?: boolean; readonly showDates?: boolean }): React.JSX.Element {
  const { set } = useUrlParams();
  const [countries, setCountries] = useState<readonly string[]>([]);
  useEffect(() => {
    if (!showCountry) return;
    let live = true;
    getCountryNames().then(
      (names) => live && setCountries(names),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [showCountry]);

  if (state.status !== 'ready') return <div className="filter-bar" aria-busy="true" />;
  const { filters, bounds, preset } = state;

  const setDate = (key: 'from' | 'to', value: string): void => {
    if (!value) return;
    const next = { from: filters.from, to: filters.to, [key]: value };
    set({ p: null, from: next.from, to: next.to, ...CROSS_FILTER_CLEARED });
  };

  return (
    <form className="filter-bar" role="search" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {showDates ? (
        <>
          <label className="field">
            <span>Period</span>
            <select
              name="preset"
              value={preset}
              onChange={(e) =>
                e.target.value === 'custom' ? set({ p: null, from: filters.from, to: filters.to }) : set({ p: e.target.value, from: null, to: null, ...CROSS_FILTER_CLEARED })
              }
            >
              {PRESETS.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
              <option value="custom">Custom range</option>
            </select>
          </label>
          <label className="field">
            <span>From</span>
            <input type="date" name="from" value={filters.from} min={bounds.from} max={filters.to} onChange={(e) => setDate('from', e.target.value)} />
          </label>
          <label className="field">
            <span>To</span>
            <input type="date" name="to" value={filters.to} min={filters.from} max={bounds.to} onChange={(e) => setDate('to', e.target.value)} />
          </label>
        </>
      ) : null}
      {showCountry ? (
        <label className="field">
          <span>Country</span>
          <select name="country" value={filters.country ?? ''} onChange={(e) => set({ country: e.target.value || null })}>
            <option value="">All countries</option>
            {filters.country && !countries.includes(filters.country) ? <option value={filters.country}>{filters.country}</option> : null}
            {countries.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {children}
    </form>
  );
}

/** A labelled select bound to one URL parameter; `clears` names parameters a change invalidates. */
export function ParamSelect<T extends string>({
  name,
  label,
  value,
  options,
  clears = [],
}: {
  readonly name: string;
  readonly label: string;
  readonly value: T;
  readonly options: readonly (readonly [T, string])[];
  readonly clears?: readonly string[];
}): React.JSX.Element {
  const { set } = useUrlParams();
  return (
    <label className="field">
      <span>{label}</span>
      <select name={name} value={value} onChange={(e) => set({ [name]: e.target.value, ...Object.fromEntries(clears.map((c) => [c, null])) })}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
