/** The ImageSearch API client: search (by photo or by vector), similar products, stats, the model; errors as RFC 9457 problem details. */

export interface SearchResult {
  id: string;
  name: string;
  category: string;
  price: number | null;
  image_src: string;
  /** The calibrated probability, 0–1, that the product is a relevant match; what the threshold applies to. */
  score: number;
  /** The raw cosine similarity of the embeddings. */
  similarity: number;
  /** A near-duplicate of the query: most likely this very item. */
  same_product?: boolean;
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

  /**
   * POST /search/vector: the same search with an embedding computed on this device, so no photo is sent. The
   * components go as the shortest decimals that read back as the same 32-bit floats.
   */
  async searchVector(vector: Float32Array, options: SearchOptions = {}): Promise<SearchResponse> {
    const body: Record<string, unknown> = { vector: Array.from(vector, (v) => Number(v.toPrecision(9))) };
    if (options.topK !== undefined) body.top_k = options.topK;
    if (options.threshold !== undefined) body.threshold = options.threshold;
    if (options.categories?.length) body.category = [...options.categories];
    if (options.minPrice != null) body.min_price = options.minPrice;
    if (options.maxPrice != null) body.max_price = options.maxPrice;
    return this.call<SearchResponse>('/search/vector', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      signal: options.signal ?? null,
    });
  }

  /** GET /model: the model and its preprocessing (checked by ondevice/model.ts). */
  async model(signal?: AbortSignal): Promise<unknown> {
    return this.call<unknown>('/model', { signal: signal ?? null });
  }

  /** The model file at an API path from GET /model. */
  async modelFile(path: string, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
    const response = await this.send(path, { signal: signal ?? null, headers: { accept: 'application/octet-stream' } });
    return new Uint8Array(await response.arrayBuffer());
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.send(path, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) } });
    return (await response.json()) as T;
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path), init);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'Network error', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await problemFrom(response);
    return response;
  }
}
