/** The page's state and a tiny observable store (no framework: one object, replaced on every change). */
import type { Product, SearchResult } from './api';
import type { FriendlyError } from './errors';
import type { RecentSearch } from './recent';
import type { ResultFilters } from './results';
import type { Crop } from './upload';

/**
 * What the results are like: a photo (searched on the server, or on this device when `onDevice`: then it is never
 * uploaded, even when the search runs again with other filters), a URL, or a catalog product ("More like this").
 * A photo may be cut to `crop`; `recentId` is its id in the recent searches and in the "?photo=" URL.
 */
export type QueryState =
  | { kind: 'file'; file: Blob; name: string; previewUrl: string; onDevice: boolean; recentId: string; crop: Crop | null }
  | { kind: 'url'; url: string }
  | { kind: 'similar'; id: string; name: string; imageUrl: string };

/** Who set the threshold: its default, the user on the slider, or the page's "Show less likely matches" offer. */
export type ThresholdSource = 'default' | 'user' | 'suggested';

export interface AppState {
  query: QueryState | null;
  /** Every result fetched for the query (threshold 0), best first; the page filters them locally. */
  results: SearchResult[];
  loading: boolean;
  /** What the loading is doing (making the photo small, uploading, loading the on-device model…); null: searching. */
  progress: string | null;
  /** Upload progress, 0–1, while a photo is being sent; null otherwise. */
  uploaded: number | null;
  error: FriendlyError | null;
  filters: ResultFilters;
  thresholdSource: ThresholdSource;
  /** The catalog's categories, from /stats. */
  categories: string[];
  tookMs: number | null;
  /** On-device mode: photos are embedded in this browser and only the vector is sent. */
  onDevice: boolean;
  /** The on-device model's state in words ("Loading…", "Ready"), or an error; empty when the mode is off. */
  onDeviceStatus: { text: string; failed: boolean };
  /** The product details, when open. */
  product: Product | null;
  recent: RecentSearch[];
  /** Whether the user is drawing a box on the photo to search a part of it. */
  cropping: boolean;
}

/** How many results one search fetches (the API's most); the threshold, sort and "Show more" then work on these. */
export const FETCH_TOP_K = 100;
export const DEFAULT_THRESHOLD = 0.7;
/** Cards shown at first, and added by each "Show more". */
export const PAGE_SIZE = 20;

export function initialState(): AppState {
  return {
    query: null,
    results: [],
    loading: false,
    progress: null,
    uploaded: null,
    error: null,
    filters: { threshold: DEFAULT_THRESHOLD, categories: new Set(), minPrice: null, maxPrice: null, sort: 'score', limit: PAGE_SIZE },
    thresholdSource: 'default',
    categories: [],
    tookMs: null,
    onDevice: false,
    onDeviceStatus: { text: '', failed: false },
    product: null,
    recent: [],
    cropping: false,
  };
}

/**
 * The threshold a new search starts with: the default, unless the user moved the slider themselves. A threshold the
 * page lowered for one photo ("Show less likely matches") never carries over to the next.
 */
export function thresholdForNewSearch(current: number, source: ThresholdSource): { threshold: number; source: ThresholdSource } {
  return source === 'user' ? { threshold: current, source } : { threshold: DEFAULT_THRESHOLD, source: 'default' };
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

  updateFilters(change: Partial<ResultFilters>): void {
    this.update({ filters: { ...this.state.filters, ...change } });
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }
}
