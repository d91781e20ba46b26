/**
 * Each state of the page as a URL (query string), so Back, Forward, reload and shared links work: what was searched
 * (a photo kept in this browser, an image URL, or "more like" a catalog product), the open product, and the
 * threshold and filters. Pure functions.
 */
import type { SortOrder } from './results';

export type RouteQuery =
  | { kind: 'photo'; id: string }
  | { kind: 'url'; url: string }
  | { kind: 'similar'; id: string };

export interface Route {
  query: RouteQuery | null;
  /** The product shown in the product details, if any. */
  product: string | null;
  /** 0–1, or null for the default. */
  threshold: number | null;
  categories: string[];
  minPrice: number | null;
  maxPrice: number | null;
  sort: SortOrder;
}

export const emptyRoute: Route = { query: null, product: null, threshold: null, categories: [], minPrice: null, maxPrice: null, sort: 'score' };

const sorts: readonly SortOrder[] = ['score', 'price-asc', 'price-desc'];

function number(value: string | null, min: number, max: number): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

/** Reads a route from a query string ("?similar=C0001&t=50"); anything malformed is left at its default. */
export function parseRoute(search: string): Route {
  const params = new URLSearchParams(search);
  const photo = params.get('photo');
  const url = params.get('url');
  const similar = params.get('similar');
  const query: RouteQuery | null = photo ? { kind: 'photo', id: photo }
    : url && /^https?:\/\//i.test(url) ? { kind: 'url', url }
      : similar ? { kind: 'similar', id: similar }
        : null;
  const percent = number(params.get('t'), 0, 100);
  const sort = params.get('sort') as SortOrder | null;
  return {
    query,
    product: params.get('product') || null,
    threshold: percent === null ? null : Math.round(percent) / 100,
    categories: params.getAll('cat').filter((c) => c !== ''),
    minPrice: number(params.get('min'), 0, Number.MAX_SAFE_INTEGER),
    maxPrice: number(params.get('max'), 0, Number.MAX_SAFE_INTEGER),
    sort: sort !== null && sorts.includes(sort) ? sort : 'score',
  };
}

/** The query string of a route ("" for the start page); the threshold only when it is not the default. */
export function formatRoute(route: Route, defaultThreshold: number): string {
  const params = new URLSearchParams();
  const query = route.query;
  if (query?.kind === 'photo') params.set('photo', query.id);
  else if (query?.kind === 'url') params.set('url', query.url);
  else if (query?.kind === 'similar') params.set('similar', query.id);
  if (route.product) params.set('product', route.product);
  if (route.threshold !== null && Math.round(route.threshold * 100) !== Math.round(defaultThreshold * 100)) {
    params.set('t', String(Math.round(route.threshold * 100)));
  }
  for (const category of route.categories) params.append('cat', category);
  if (route.minPrice !== null) params.set('min', String(route.minPrice));
  if (route.maxPrice !== null) params.set('max', String(route.maxPrice));
  if (route.sort !== 'score') params.set('sort', route.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}
