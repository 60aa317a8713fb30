/**
 * The date window and country every analytics view shares, read from the URL (`p` for a preset
 * counted back from the last day of data, or `from`/`to`; `country`). Never the wall clock: the
 * data's own last day anchors "last 90 days".
 */
import { useMemo } from 'react';
import { retryBounds, useBoundsState } from '../api/bounds-store';
import type { Window } from '../api/types';
import { addDays, isIsoDate, PRESETS, type PresetId } from '../dates';
import { useUrlParams } from '../router/hash-route';

export interface Filters {
  readonly from: string;
  readonly to: string;
  readonly country: string | null;
}

export type FiltersState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: Error; readonly retry: () => void }
  | { readonly status: 'ready'; readonly filters: Filters; readonly bounds: Window; readonly preset: PresetId | 'custom' };

export const DEFAULT_PRESET: PresetId = '90d';

export function windowOfPreset(preset: PresetId, bounds: Window): Window {
  const spec = PRESETS.find((p) => p.id === preset) ?? PRESETS[1];
  if (spec.days === null) return bounds;
  const from = addDays(bounds.to, -(spec.days - 1));
  return { from: from < bounds.from ? bounds.from : from, to: bounds.to };
}

export function useFilters(defaultPreset: PresetId = DEFAULT_PRESET): FiltersState {
  const { params } = useUrlParams();
  const bounds = useBoundsState();
  const from = params.get('from');
  const to = params.get('to');
  const p = params.get('p');
  const country = params.get('country');
  const dataWindow = bounds.status === 'ready' ? bounds.data : null;
  const failure = bounds.status === 'failed' ? bounds.error : null;
  const retry = retryBounds;
  return useMemo((): FiltersState => {
    if (failure) return { status: 'failed', error: failure, retry };
    if (!dataWindow) return { status: 'loading' };
    const country_ = country && country.trim() ? country : null;
    if (isIsoDate(from) && isIsoDate(to) && from <= to) {
      return { status: 'ready', filters: { from, to, country: country_ }, bounds: dataWindow, preset: 'custom' };
    }
    const preset = PRESETS.some((x) => x.id === p) ? (p as PresetId) : defaultPreset;
    return { status: 'ready', filters: { ...windowOfPreset(preset, dataWindow), country: country_ }, bounds: dataWindow, preset };
  }, [failure, dataWindow, from, to, p, country, defaultPreset, retry]);
}

/** A stable string for a filter set, to key requests on. */
export const filterKey = (f: Filters, ...extra: readonly unknown[]): string => JSON.stringify([f.from, f.to, f.country, ...extra]);
