/** The ImageSearch API client: search, similar products, stats; errors as RFC 9457 problem details. */

export interface SearchResult {
  id: string;
  name: string;
  category: string;
  price: number | null;
  image_src: string;
  score: number;
  similarity: number;
}

export interface SearchResponse {
  results: SearchResult[];
  count: number;
  threshold: number;
  took_ms: number;
}

export interface Stats {
  products: number;
  indexed: number;
  categories: string[];
}

/** The query: an uploaded photo or a URL the service fetches. */
export type Query = { kind: 'file'; file: Blob; name?: string } | { kind: 'url'; url: string };

export interface SearchOptions {
  topK?: number;
  threshold?: number;
  categories?: readonly string[];
  minPrice?: number | null;
  maxPrice?: number | null;
  signal?: AbortSignal;
}

/** A failed call: the HTTP status (0 when the service could not be reached) and the problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
  }
}

interface Problem {
  title?: string;
  detail?: string;
  status?: number;
}

/** Reads a problem+json (or any JSON) body; anything else gives the status text. */
export async function problemFrom(response: Response): Promise<ApiError> {
  let problem: Problem = {};
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (typeof body === 'object' && body !== null) problem = body;
    } catch {
      // Not JSON after all: keep the status line.
    }
  }
  const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
  return new ApiError(
    typeof problem.status === 'number' ? problem.status : response.status,
    typeof problem.title === 'string' && problem.title ? problem.title : response.statusText || `HTTP ${response.status}`,
    typeof problem.detail === 'string' ? problem.detail : '',
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

export class ApiClient {
  constructor(
    private readonly base: string,
    private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** An API path or a result's image_src as a URL the browser can load. */
  url(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    return `${this.base}${path.startsWith('/') ? '' : '/'}${path}`;
  }

  async search(query: Query, options: SearchOptions = {}): Promise<SearchResponse> {
    const form = new FormData();
    if (query.kind === 'file') form.append('file', query.file, query.name ?? 'query');
    else form.append('image_url', query.url);
    if (options.topK !== undefined) form.append('top_k', String(options.topK));
    if (options.threshold !== undefined) form.append('threshold', String(options.threshold));
    for (const category of options.categories ?? []) form.append('category', category);
    if (options.minPrice != null) form.append('min_price', String(options.minPrice));
    if (options.maxPrice != null) form.append('max_price', String(options.maxPrice));
    return this.call<SearchResponse>('/search', { method: 'POST', body: form, signal: options.signal ?? null });
  }

  async similar(id: string, topK: number, threshold: number, signal?: AbortSignal): Promise<SearchResponse> {
    const query = new URLSearchParams({ top_k: String(topK), threshold: String(threshold) });
    return this.call<SearchResponse>(`/products/${encodeURIComponent(id)}/similar?${query}`, { signal: signal ?? null });
  }

  async stats(signal?: AbortSignal): Promise<Stats> {
    return this.call<Stats>('/stats', { signal: signal ?? null });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path), { ...init, headers: { accept: 'application/json' } });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'Network error', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await problemFrom(response);
    return (await response.json()) as T;
  }
}
