/** Client-side filtering, counting and sorting of the results fetched once (threshold 0). Pure functions. */
import type { SearchResult } from './api';

export type SortOrder = 'score' | 'price-asc' | 'price-desc';

export interface ResultFilters {
  /** 0–1: results scoring below it are hidden (and counted). */
  threshold: number;
  /** Empty: every category. */
  categories: ReadonlySet<string>;
  minPrice: number | null;
  maxPrice: number | null;
  sort: SortOrder;
  /** At most this many shown: the best by score, then in the chosen order. */
  limit: number;
}

export interface ResultList {
  shown: SearchResult[];
  /** Pass the category and price filters but score below the threshold. */
  belowThreshold: number;
  /** At or above the threshold but past the limit. */
  overLimit: number;
  /** Left out by the category or price filters. */
  filteredOut: number;
  /** The best score among the results that pass the filters (null when none does). */
  bestScore: number | null;
}

/** Whether a result passes the category and price filters (a result without a price fails a price bound). */
export function matchesFilters(result: SearchResult, filters: Pick<ResultFilters, 'categories' | 'minPrice' | 'maxPrice'>): boolean {
  if (filters.categories.size > 0 && !filters.categories.has(result.category)) return false;
  if (filters.minPrice !== null && (result.price === null || result.price < filters.minPrice)) return false;
  if (filters.maxPrice !== null && (result.price === null || result.price > filters.maxPrice)) return false;
  return true;
}

/** Scores are compared at the slider's precision (whole percent) so "70%" shows a 0.6996 score as 70%, consistently. */
export function percent(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 100);
}

export function passesThreshold(score: number, threshold: number): boolean {
  return percent(score) >= Math.round(threshold * 100);
}

export function sortResults(results: readonly SearchResult[], order: SortOrder): SearchResult[] {
  // Calibrated scores are a step function of the similarity, so many results share one: the service's order (by
  // similarity) decides among them, then the id.
  const byScore = (a: SearchResult, b: SearchResult) => b.score - a.score || b.similarity - a.similarity || a.id.localeCompare(b.id);
  if (order === 'score') return [...results].sort(byScore);
  const sign = order === 'price-asc' ? 1 : -1;
  // Products without a price go last in either direction.
  return [...results].sort((a, b) => {
    if (a.price === null || b.price === null) {
      return a.price === b.price ? byScore(a, b) : a.price === null ? 1 : -1;
    }
    return sign * (a.price - b.price) || byScore(a, b);
  });
}

export function listResults(results: readonly SearchResult[], filters: ResultFilters): ResultList {
  const matching = results.filter((r) => matchesFilters(r, filters));
  const above = sortResults(matching.filter((r) => passesThreshold(r.score, filters.threshold)), 'score');
  const limit = Math.max(0, Math.floor(filters.limit));
  const kept = above.slice(0, limit);
  return {
    shown: sortResults(kept, filters.sort),
    belowThreshold: matching.length - above.length,
    overLimit: above.length - kept.length,
    filteredOut: results.length - matching.length,
    bestScore: matching.length ? Math.max(...matching.map((r) => r.score)) : null,
  };
}

/**
 * The sentence for the live region, in a shopper's words, e.g. "Showing 20 of 64 matches at least 30% likely; 36
 * more below." The threshold is how sure the service must be (see confidence.ts).
 */
export function describeCounts(list: ResultList, threshold: number): string {
  const shown = list.shown.length;
  const above = shown + list.overLimit;
  const noun = above === 1 ? 'match' : 'matches';
  const head = list.overLimit > 0
    ? `Showing ${shown} of ${above} ${noun} at least ${Math.round(threshold * 100)}% likely`
    : `Showing ${shown} ${noun} at least ${Math.round(threshold * 100)}% likely`;
  const hidden: string[] = [];
  if (list.belowThreshold > 0) hidden.push(`${list.belowThreshold} less likely ${list.belowThreshold === 1 ? 'one' : 'ones'} hidden`);
  if (list.filteredOut > 0) hidden.push(`${list.filteredOut} left out by your filters`);
  return hidden.length ? `${head}; ${hidden.join(', ')}.` : `${head}.`;
}
