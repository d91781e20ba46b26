import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api';
import { OnDeviceEmbedder, OnDeviceUnavailableError, type EmbedderDependencies } from '../src/ondevice/embedder';
import { parseModelInfo } from '../src/ondevice/model';
import { tensorize } from '../src/ondevice/preprocess';
import type { ModelSession } from '../src/ondevice/runtime';
import { modelDescription } from './fixtures/model';

const modelBytes = new Uint8Array([0x08, 0x07, 0x12]);

function client(description = modelDescription()): { client: ApiClient; fetchMock: ReturnType<typeof vi.fn<typeof fetch>> } {
  const fetchMock = vi.fn<typeof fetch>((input) => {
    const url = input instanceof Request ? input.url : input.toString();
    if (url.endsWith('/model')) return Promise.resolve(new Response(JSON.stringify(description), { headers: { 'content-type': 'application/json' } }));
    if (url.includes('/model/feature.onnx')) return Promise.resolve(new Response(modelBytes.slice()));
    return Promise.reject(new Error(`unexpected ${url}`));
  });
  return { client: new ApiClient('http://api.test', fetchMock), fetchMock };
}

/** A flat grey 300x200 photo and a model that outputs 3, 4, 0, 0, … (so the vector is 0.6, 0.8, 0, …). */
function dependencies(output: { data: Float32Array; dims: number[] } = { data: Float32Array.from({ length: 1280 }, (_, i) => (i === 0 ? 3 : i === 1 ? 4 : 0)), dims: [1, 1280] }) {
  const run = vi.fn<ModelSession['run']>().mockResolvedValue(output);
  const deps: EmbedderDependencies = {
    createSession: vi.fn<EmbedderDependencies['createSession']>().mockResolvedValue({ run }),
    decode: vi.fn<EmbedderDependencies['decode']>().mockResolvedValue({ pixels: { data: new Uint8Array(300 * 200 * 4).fill(128), width: 300, height: 200, channels: 4 }, fullSize: [300, 200] }),
    sha256: vi.fn<EmbedderDependencies['sha256']>().mockResolvedValue('ab'.repeat(32)),
  };
  return { deps, run };
}

describe('OnDeviceEmbedder', () => {
  it('loads nothing until it is asked to', () => {
    const { client: api, fetchMock } = client();
    const { deps } = dependencies();
    const embedder = new OnDeviceEmbedder(api, deps);
    expect(embedder.ready).toBe(false);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(deps.createSession).not.toHaveBeenCalled();
  });

  it('loads the runtime and the model once, however many photos it embeds', async () => {
    const { client: api, fetchMock } = client();
    const { deps, run } = dependencies();
    const embedder = new OnDeviceEmbedder(api, deps);

    await Promise.all([embedder.load(), embedder.embed(new Blob(['a'])), embedder.embed(new Blob(['b']))]);

    expect(embedder.ready).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(deps.createSession).toHaveBeenCalledTimes(1);
    expect(deps.createSession).toHaveBeenCalledWith(modelBytes);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('decodes with the pixel limit, runs the NCHW tensor and returns the L2-normalised vector', async () => {
    const { deps, run } = dependencies();
    const embedder = new OnDeviceEmbedder(client().client, deps);

    const vector = await embedder.embed(new Blob(['photo']));

    expect(deps.decode).toHaveBeenCalledWith(expect.any(Blob), expect.objectContaining({ maxPixels: 40000000, jpegMinShortSide: 320 }));
    const [tensor, shape] = run.mock.calls[0]!;
    expect(shape).toEqual([1, 3, 224, 224]);
    expect(tensor).toHaveLength(3 * 224 * 224);
    expect(tensor[0]).toBeCloseTo((128 / 255 - 0.485) / 0.229, 5);
    expect(vector).toHaveLength(1280);
    expect(Array.from(vector.slice(0, 3))).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
  });

  it('takes the resize and crop geometry from the full size when the photo was decoded at a reduced scale', async () => {
    const { deps, run } = dependencies();
    // TurboJPEG's 1/2 scale of a 1201x401 photo is 601x201, whose own geometry would crop 2 pixels further left.
    const pixels = { data: Uint8Array.from({ length: 601 * 201 * 3 }, (_, i) => (i * 37) % 251), width: 601, height: 201, channels: 3 as const };
    vi.mocked(deps.decode).mockResolvedValue({ pixels, fullSize: [1201, 401] });
    const options = parseModelInfo(modelDescription()).preprocessing;

    await new OnDeviceEmbedder(client().client, deps).embed(new Blob(['photo']));

    const [tensor] = run.mock.calls[0]!;
    expect(tensor).toEqual(tensorize(pixels, options, true, [1201, 401]));
    expect(tensor).not.toEqual(tensorize(pixels, options));
  });

  it('pools a feature-map output as the service says', async () => {
    const map = new Float32Array(1280 * 2 * 2).fill(0);
    map.set([1, 2, 3, 6], 0); // channel 0 averages 3
    map.set([4, 4, 4, 4], 4); // channel 1 averages 4
    const { deps } = dependencies({ data: map, dims: [1, 1280, 2, 2] });
    const description = modelDescription({ output: { type: 'float32', kind: 'feature_map', shape: [1, 1280, 2, 2] } });
    const vector = await new OnDeviceEmbedder(client(description).client, deps).embed(new Blob(['photo']));
    expect(Array.from(vector.slice(0, 3))).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
  });

  it('refuses a downloaded model whose SHA-256 is not the service\'s', async () => {
    const { deps } = dependencies();
    vi.mocked(deps.sha256).mockResolvedValue('cd'.repeat(32));
    await expect(new OnDeviceEmbedder(client().client, deps).load()).rejects.toThrow(/SHA-256 is cdcdcdcdcdcd/);
    expect(deps.createSession).not.toHaveBeenCalled();
  });

  it('says so when the browser cannot start the runtime, and tries again next time', async () => {
    const { deps } = dependencies();
    vi.mocked(deps.createSession).mockRejectedValueOnce(new Error('no WebAssembly'));
    const embedder = new OnDeviceEmbedder(client().client, deps);

    await expect(embedder.load()).rejects.toBeInstanceOf(OnDeviceUnavailableError);
    await expect(embedder.load()).resolves.toBeDefined();
    expect(embedder.ready).toBe(true);
  });

  it('lets a decoding error through unchanged', async () => {
    const { deps } = dependencies();
    vi.mocked(deps.decode).mockRejectedValue(new TypeError('bad photo'));
    await expect(new OnDeviceEmbedder(client().client, deps).embed(new Blob(['x']))).rejects.toThrow('bad photo');
  });
});
