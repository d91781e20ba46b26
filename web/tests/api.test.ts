import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, problemFrom } from '../src/api';
import { parseConfig } from '../src/config';
import { result } from './fixtures';

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, instance: '/search' }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

describe('ApiClient.search', () => {
  it('posts a multipart form with the file and every option', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [result('A', 0.9)], count: 1, threshold: 0, took_ms: 12 }));
    const client = new ApiClient('http://api.test', fetchMock);

    const response = await client.search(
      { kind: 'file', file: new Blob(['jpeg'], { type: 'image/jpeg' }), name: 'shoe.jpg' },
      { topK: 50, threshold: 0, categories: ['Shoes', 'Hat'], minPrice: 5, maxPrice: null },
    );

    expect(response.results[0]?.id).toBe('A');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('http://api.test/search');
    expect(init?.method).toBe('POST');
    const form = init?.body as FormData;
    expect((form.get('file') as File).name).toBe('shoe.jpg');
    expect(form.get('top_k')).toBe('50');
    expect(form.get('threshold')).toBe('0');
    expect(form.getAll('category')).toEqual(['Shoes', 'Hat']);
    expect(form.get('min_price')).toBe('5');
    expect(form.has('max_price')).toBe(false);
    expect(form.has('image_url')).toBe(false);
  });

  it('sends an image URL instead of a file', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [], count: 0, threshold: 0, took_ms: 1 }));
    await new ApiClient('', fetchMock).search({ kind: 'url', url: 'https://example.com/a.jpg' });
    const form = fetchMock.mock.calls[0]![1]?.body as FormData;
    expect(form.get('image_url')).toBe('https://example.com/a.jpg');
    expect(form.has('file')).toBe(false);
    expect(fetchMock.mock.calls[0]![0]).toBe('/search');
  });

  it('turns a problem+json answer into an ApiError with its status, title and detail', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      problem(400, 'The image URL is not allowed', 'http://169.254.169.254/ resolves to a link-local address.'),
    );
    const error = await new ApiClient('', fetchMock).search({ kind: 'url', url: 'http://169.254.169.254/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'The image URL is not allowed', detail: 'http://169.254.169.254/ resolves to a link-local address.' });
  });

  it('turns a network failure into status 0', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(new ApiClient('', fetchMock).stats()).rejects.toMatchObject({ status: 0, title: 'Network error' });
  });

  it('lets an abort through unchanged', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockRejectedValue(new DOMException('aborted', 'AbortError'));
    await expect(new ApiClient('', fetchMock).stats()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('ApiClient.searchVector', () => {
  it('posts only JSON: the vector and the options under the names POST /search uses', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [result('A', 0.9)], count: 1, threshold: 0, took_ms: 3 }));
    const client = new ApiClient('http://api.test', fetchMock);

    const response = await client.searchVector(new Float32Array([0.6, 0.8, 0]), {
      topK: 50, threshold: 0, categories: ['Shoes', 'Hat'], minPrice: 5, maxPrice: null,
    });

    expect(response.results[0]?.id).toBe('A');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('http://api.test/search/vector');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe('application/json');
    expect(new Headers(init?.headers).get('accept')).toBe('application/json');
    expect(typeof init?.body).toBe('string');
    expect(JSON.parse(init?.body as string)).toEqual({ vector: [0.600000024, 0.800000012, 0], top_k: 50, threshold: 0, category: ['Shoes', 'Hat'], min_price: 5 });
  });

  it('writes each component so that it reads back as the same 32-bit float', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [], count: 0, threshold: 0.7, took_ms: 1 }));
    const vector = new Float32Array(1280).map((_, i) => Math.sin(i * 12.9898) * 0.1);

    await new ApiClient('', fetchMock).searchVector(vector);

    const sent = (JSON.parse(fetchMock.mock.calls[0]![1]?.body as string) as { vector: number[] }).vector;
    expect(sent).toHaveLength(1280);
    expect(Float32Array.from(sent)).toEqual(vector);
    expect((fetchMock.mock.calls[0]![1]?.body as string).length).toBeLessThan(1280 * 14);
  });

  it('leaves out the options not given, so the service uses its defaults', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [], count: 0, threshold: 0.7, took_ms: 1 }));
    await new ApiClient('', fetchMock).searchVector(new Float32Array([1]), { categories: [] });
    expect(Object.keys(JSON.parse(fetchMock.mock.calls[0]![1]?.body as string) as object)).toEqual(['vector']);
  });

  it('turns a problem+json answer into an ApiError', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(problem(400, "Invalid parameter 'vector'", "'vector' has 3 components; this index takes 1280."));
    await expect(new ApiClient('', fetchMock).searchVector(new Float32Array(3))).rejects.toMatchObject({ status: 400, detail: expect.stringContaining('1280') as unknown });
  });
});

describe('ApiClient.model and modelFile', () => {
  it('reads GET /model and downloads the model file as bytes', async () => {
    const fetchMock = vi.fn<typeof fetch>()
      .mockResolvedValueOnce(json({ model_sha256: 'abc' }))
      .mockResolvedValueOnce(new Response(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }));
    const client = new ApiClient('/api', fetchMock);

    expect(await client.model()).toEqual({ model_sha256: 'abc' });
    expect(Array.from(await client.modelFile('/model/feature.onnx?sha256=abc'))).toEqual([1, 2, 3]);
    expect(fetchMock.mock.calls.map((call) => call[0])).toEqual(['/api/model', '/api/model/feature.onnx?sha256=abc']);
  });

  it('reports a model that is no longer served as an ApiError', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(problem(503, 'Model file changed', 'restart'));
    await expect(new ApiClient('', fetchMock).modelFile('/model/feature.onnx')).rejects.toMatchObject({ status: 503, title: 'Model file changed' });
  });
});

describe('ApiClient.similar and url', () => {
  it('asks for similar products with top_k and threshold, escaping the id', async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(json({ results: [], count: 0, threshold: 0, took_ms: 1 }));
    await new ApiClient('/api', fetchMock).similar('A/1', 50, 0);
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/products/A%2F1/similar?top_k=50&threshold=0');
  });

  it('resolves image sources against the base, leaving absolute URLs alone', () => {
    const client = new ApiClient('https://api.test');
    expect(client.url('/images/C1')).toBe('https://api.test/images/C1');
    expect(client.url('https://cdn.test/x.jpg')).toBe('https://cdn.test/x.jpg');
  });
});

describe('problemFrom', () => {
  it('reads Retry-After', async () => {
    const error = await problemFrom(problem(429, 'Too many requests', 'Slow down.', { 'retry-after': '7' }));
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('falls back to the status line when the body is not JSON', async () => {
    const error = await problemFrom(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    expect(error).toMatchObject({ status: 502, title: 'Bad Gateway', detail: '' });
  });

  it('survives a body that claims JSON but is not', async () => {
    const error = await problemFrom(new Response('oops', { status: 500, headers: { 'content-type': 'application/json' } }));
    expect(error).toMatchObject({ status: 500, title: 'HTTP 500' });
  });
});

describe('parseConfig', () => {
  it('defaults to the same origin', () => {
    expect(parseConfig(null)).toEqual({ apiBase: '' });
    expect(parseConfig({ apiBase: 42 })).toEqual({ apiBase: '' });
  });

  it('takes apiBase without a trailing slash and a currency code', () => {
    expect(parseConfig({ apiBase: 'https://api.test/', currency: 'eur' })).toEqual({ apiBase: 'https://api.test', currency: 'EUR' });
    expect(parseConfig({ currency: 'euros' })).toEqual({ apiBase: '' });
  });
});
