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

/** A catalog product (GET /products/{id}). */
export interface Product {
  id: string;
  name: string;
  category: string;
  price: number | null;
  image_src: string;
  /** The shop's own page for the product, where the catalog has one. */
  url?: string | null;
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
  /** Upload progress of a photo (bytes sent of total); the upload then goes by XMLHttpRequest, which reports it. */
  onUploadProgress?: (sent: number, total: number) => void;
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
    const init: RequestInit = { method: 'POST', body: form, signal: options.signal ?? null };
    if (options.onUploadProgress && query.kind === 'file' && typeof XMLHttpRequest !== 'undefined') {
      const response = await this.guard(xhrFetch(this.url('/search'), init, options.onUploadProgress));
      return (await response.json()) as SearchResponse;
    }
    return this.call<SearchResponse>('/search', init);
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
  async modelFile(path: string, signal?: AbortSignal, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array<ArrayBuffer>> {
    const response = await this.send(path, { signal: signal ?? null, headers: { accept: 'application/octet-stream' } });
    const total = Number(response.headers.get('content-length') ?? 0);
    if (!onProgress || !response.body || !(total > 0)) return new Uint8Array(await response.arrayBuffer());
    // Read it in chunks to report progress (the model is a few MB: seconds on a slow phone connection).
    const bytes = new Uint8Array(total);
    let loaded = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > total) throw new ApiError(0, 'Network error', 'The model download was longer than announced.');
      bytes.set(value, loaded);
      loaded += value.length;
      onProgress(loaded, total);
    }
    if (loaded !== total) throw new ApiError(0, 'Network error', `The model download stopped after ${loaded} of ${total} bytes.`);
    return bytes;
  }

  /** GET /products/{id}: one catalog product. */
  async product(id: string, signal?: AbortSignal): Promise<Product> {
    return this.call<Product>(`/products/${encodeURIComponent(id)}`, { signal: signal ?? null });
  }

  private async call<T>(path: string, init: RequestInit): Promise<T> {
    const response = await this.send(path, { ...init, headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) } });
    return (await response.json()) as T;
  }

  private send(path: string, init: RequestInit): Promise<Response> {
    return this.guard(this.fetchImpl(this.url(path), init));
  }

  /** A response, or the ApiError for a failed call (status 0 when the service could not be reached). */
  private async guard(pending: Promise<Response>): Promise<Response> {
    let response: Response;
    try {
      response = await pending;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'Network error', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await problemFrom(response);
    return response;
  }
}

/** fetch() for a POST whose upload progress matters: XMLHttpRequest reports the bytes sent, fetch does not. */
function xhrFetch(url: string, init: RequestInit, onProgress: (sent: number, total: number) => void): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init.method ?? 'POST', url);
    xhr.responseType = 'blob';
    xhr.setRequestHeader('accept', 'application/json');
    const signal = init.signal;
    const abort = () => { xhr.abort(); };
    if (signal?.aborted) {
      reject(new DOMException('The search was cancelled.', 'AbortError'));
      return;
    }
    signal?.addEventListener('abort', abort, { once: true });
    xhr.upload.addEventListener('progress', (event) => { if (event.lengthComputable) onProgress(event.loaded, event.total); });
    xhr.addEventListener('load', () => {
      signal?.removeEventListener('abort', abort);
      const headers = new Headers();
      for (const name of ['content-type', 'retry-after']) {
        const value = xhr.getResponseHeader(name);
        if (value !== null) headers.set(name, value);
      }
      resolve(new Response(xhr.status === 204 ? null : (xhr.response as Blob), { status: xhr.status, statusText: xhr.statusText, headers }));
    });
    xhr.addEventListener('error', () => { signal?.removeEventListener('abort', abort); reject(new TypeError('Failed to fetch')); });
    xhr.addEventListener('abort', () => { reject(new DOMException('The search was cancelled.', 'AbortError')); });
    xhr.send(init.body as XMLHttpRequestBodyInit);
  });
}
