/**
 * On-device embedding: the photo becomes the service's vector in this browser, so only the vector is sent
 * (POST /search/vector). Nothing is loaded until it is needed: the runtime (a separate chunk with its WebAssembly
 * file, both from our own origin) and the model (from the API, checked against its SHA-256) load on the first
 * `load()` or `embed()`, once.
 */
import type { ApiClient } from '../api';
import { decodePhoto, type DecodedPhoto, type DecodeSettings } from './decode';
import { jpegModule } from './jpeg-module';
import { parseModelInfo, type ModelInfo } from './model';
import { normalizeL2, pool } from './pooling';
import { tensorize } from './preprocess';
import type { ModelSession } from './runtime';

/** The runtime could not be loaded or the model could not be fetched or run. */
export class OnDeviceUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OnDeviceUnavailableError';
  }
}

export interface EmbedderDependencies {
  /** Loads ONNX Runtime (the default imports ./runtime, a separate chunk). */
  createSession: (model: Uint8Array) => Promise<ModelSession>;
  /** Decodes a photo to upright pixels as the server does (./decode). */
  decode: (file: Blob, settings: DecodeSettings) => Promise<DecodedPhoto>;
  /** SHA-256 of the model bytes as hex, or null where the browser cannot hash (crypto.subtle needs a secure context). */
  sha256: (bytes: Uint8Array<ArrayBuffer>) => Promise<string | null>;
}

async function browserSha256(bytes: Uint8Array<ArrayBuffer>): Promise<string | null> {
  // Undefined outside secure contexts (a page over plain http on another host than localhost).
  if (!(globalThis.crypto as Crypto | undefined)?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const browserDependencies: EmbedderDependencies = {
  createSession: async (model) => (await import('./runtime')).createSession(model),
  decode: decodePhoto,
  sha256: browserSha256,
};

export interface Loaded {
  info: ModelInfo;
  session: ModelSession;
}

export class OnDeviceEmbedder {
  private loading: Promise<Loaded> | null = null;
  private loaded: Loaded | null = null;

  constructor(
    private readonly client: ApiClient,
    private readonly deps: EmbedderDependencies = browserDependencies,
  ) {}

  /** Whether the runtime and the model are loaded. */
  get ready(): boolean {
    return this.loaded !== null;
  }

  /** Loads the runtime and the model once; a failed load is tried again on the next call. */
  load(onProgress?: (loaded: number, total: number) => void): Promise<Loaded> {
    this.loading ??= this.loadOnce(onProgress).then(
      (loaded) => (this.loaded = loaded),
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  /** The L2-normalised embedding of a photo, computed here. */
  async embed(file: Blob): Promise<Float32Array> {
    const { info, session } = await this.load();
    const { pixels, fullSize } = await this.deps.decode(file, { maxPixels: info.maxPixels, jpegMinShortSide: info.jpegMinShortSide, jpegModule });
    const tensor = tensorize(pixels, info.preprocessing, true, fullSize);
    let output: { data: Float32Array; dims: readonly number[] };
    try {
      output = await session.run(tensor, info.inputShape);
    } catch (error) {
      throw new OnDeviceUnavailableError(`The model failed to run in this browser: ${message(error)}`, { cause: error });
    }
    const vector = info.output === 'pooled'
      ? output.data.slice(0, info.dimension)
      : pool(output.data, info.dimension, output.dims[2] ?? 0, output.dims[3] ?? 0, info.pooling);
    if (vector.length !== info.dimension) {
      throw new OnDeviceUnavailableError(`The model gave ${vector.length} numbers; the index takes ${info.dimension}.`);
    }
    return normalizeL2(vector);
  }

  private async loadOnce(onProgress?: (loaded: number, total: number) => void): Promise<Loaded> {
    const info = parseModelInfo(await this.client.model());
    const bytes = await this.client.modelFile(info.url, undefined, onProgress);
    const sha256 = await this.deps.sha256(bytes);
    if (sha256 !== null && sha256 !== info.sha256) {
      throw new OnDeviceUnavailableError(`The downloaded model's SHA-256 is ${sha256.slice(0, 12)}…, not the service's ${info.sha256.slice(0, 12)}….`);
    }
    let session: ModelSession;
    try {
      session = await this.deps.createSession(bytes);
    } catch (error) {
      throw new OnDeviceUnavailableError(`This browser could not start the model: ${message(error)}`, { cause: error });
    }
    return { info, session };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
