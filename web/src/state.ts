/** The page's state and a tiny observable store (no framework: one object, replaced on every change). */
import type { SearchResult } from './api';
import type { FriendlyError } from './errors';
import type { ViewFilters } from './results';

/**
 * What the results are like: a photo (searched on the server, or on this device when `onDevice`: then it is never
 * uploaded, even when the search runs again with other filters), a URL, or a catalog product ("More like this").
 */
export type QueryState =
  | { kind: 'file'; file: Blob; name: string; previewUrl: string; onDevice: boolean }
  | { kind: 'url'; url: string }
  | { kind: 'similar'; id: string; name: string; imageUrl: string };

export interface AppState {
  query: QueryState | null;
  /** Every result fetched for the query (threshold 0), best first; the view filters them locally. */
  results: SearchResult[];
  loading: boolean;
  /** What the loading is doing (loading the on-device model, computing the embedding, searching); null: searching. */
  progress: string | null;
  error: FriendlyError | null;
  filters: ViewFilters;
  /** The catalog's categories, from /stats. */
  categories: string[];
  tookMs: number | null;
  /** On-device mode: photos are embedded in this browser and only the vector is sent. */
  onDevice: boolean;
  /** The on-device model's state in words ("Loading…", "Ready"), or an error; empty when the mode is off. */
  onDeviceStatus: { text: string; failed: boolean };
}

/** How many results one search fetches; the threshold, sort and limit then work on these without another call. */
export const FETCH_TOP_K = 50;
export const DEFAULT_THRESHOLD = 0.7;

export function initialState(): AppState {
  return {
    query: null,
    results: [],
    loading: false,
    progress: null,
    error: null,
    filters: { threshold: DEFAULT_THRESHOLD, categories: new Set(), minPrice: null, maxPrice: null, sort: 'score', limit: 20 },
    categories: [],
    tookMs: null,
    onDevice: false,
    onDeviceStatus: { text: '', failed: false },
  };
}

export type Listener = (state: AppState, previous: AppState) => void;

export class Store {
  private listeners: Listener[] = [];

  constructor(private state: AppState = initialState()) {}

  get(): AppState {
    return this.state;
  }

  update(change: Partial<AppState>): void {
    const previous = this.state;
    this.state = { ...previous, ...change };
    for (const listener of this.listeners) listener(this.state, previous);
  }

  updateFilters(change: Partial<ViewFilters>): void {
    this.update({ filters: { ...this.state.filters, ...change } });
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }
}
