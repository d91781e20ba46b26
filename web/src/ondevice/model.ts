/** GET /model: what the service runs and how it preprocesses, checked for what this page can reproduce. */
import { parsePooling, type Pooling } from './pooling';
import type { Preprocessing } from './preprocess';

export interface ModelInfo {
  sha256: string;
  /** Where to download the ONNX file (an API path). */
  url: string;
  bytes: number;
  /** The input's shape, [1, 3, crop, crop]. */
  inputShape: [number, number, number, number];
  /** "pooled" ([1, dimension]) or "feature_map" ([1, dimension, H, W], pooled here with `pooling`). */
  output: 'pooled' | 'feature_map';
  pooling: Pooling;
  preprocessing: Preprocessing;
  dimension: number;
  maxPixels: number;
  /** JPEGs decode at a reduced DCT scale while their shorter side stays at least this; null: always at full size. */
  jpegMinShortSide: number | null;
}

/** The service describes something this page cannot reproduce (a newer service, or another kind of model). */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

function field(record: Record<string, unknown>, name: string): unknown {
  if (!(name in record)) throw new UnsupportedModelError(`GET /model has no '${name}'.`);
  return record[name];
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnsupportedModelError(`GET /model's '${name}' is not an object.`);
  return value as Record<string, unknown>;
}

function numbers(value: unknown, name: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new UnsupportedModelError(`GET /model's '${name}' is not ${length} numbers.`);
  }
  return value as number[];
}

function mustBe(value: unknown, wanted: string, name: string): void {
  if (value !== wanted) throw new UnsupportedModelError(`This page computes ${name} '${wanted}' only; the service uses '${String(value)}'.`);
}

/** Checks and converts the answer of GET /model; throws UnsupportedModelError naming what does not fit. */
export function parseModelInfo(raw: unknown): ModelInfo {
  const body = object(raw, 'body');
  const input = object(field(body, 'input'), 'input');
  const output = object(field(body, 'output'), 'output');
  const pre = object(field(body, 'preprocessing'), 'preprocessing');
  mustBe(input.type, 'float32', 'input type');
  mustBe(input.layout, 'NCHW', 'layout');
  mustBe(output.type, 'float32', 'output type');
  mustBe(pre.orientation, 'exif', 'orientation');
  mustBe(pre.alpha, 'white', 'alpha');
  mustBe(pre.resize_filter, 'bilinear-antialiased', 'resize filter');
  mustBe(pre.crop, 'center', 'crop');
  mustBe(pre.channel_order, 'RGB', 'channel order');
  mustBe(body.normalization, 'l2', 'normalisation');

  const [batch, channels, height, width] = numbers(input.shape, 'input.shape', 4) as [number, number, number, number];
  const cropSize = Number(pre.crop_size);
  const resizeShortSide = Number(pre.resize_short_side);
  if (batch !== 1 || channels !== 3 || height !== cropSize || width !== cropSize || !(cropSize > 0) || !(resizeShortSide >= cropSize)) {
    throw new UnsupportedModelError(`The model takes [${String(input.shape)}] but the crop is ${cropSize} of ${resizeShortSide}.`);
  }
  if (Math.abs(Number(pre.scale) - 1 / 255) > 1e-9) throw new UnsupportedModelError(`This page scales pixels by 1/255; the service by ${String(pre.scale)}.`);

  const kind = output.kind;
  if (kind !== 'pooled' && kind !== 'feature_map') throw new UnsupportedModelError(`Unknown model output '${String(kind)}'.`);
  const dimension = Number(body.dimension);
  const outputShape = numbers(output.shape, 'output.shape', kind === 'pooled' ? 2 : 4);
  if (!Number.isInteger(dimension) || dimension <= 0 || outputShape[1] !== dimension) {
    throw new UnsupportedModelError(`The output [${outputShape.join(', ')}] does not hold ${dimension}-d vectors.`);
  }
  let pooling: Pooling;
  try {
    pooling = parsePooling(String(body.pooling));
  } catch (error) {
    throw new UnsupportedModelError(error instanceof Error ? error.message : String(error));
  }
  if (kind === 'pooled' && pooling.method !== 'average') throw new UnsupportedModelError(`A pooled model cannot be pooled with '${String(body.pooling)}'.`);

  const sha256 = field(body, 'model_sha256');
  const url = field(body, 'model_url');
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256) || typeof url !== 'string' || url === '') {
    throw new UnsupportedModelError('GET /model has no usable model_sha256 and model_url.');
  }
  return {
    sha256: sha256.toLowerCase(),
    url,
    bytes: Number(body.model_bytes) || 0,
    inputShape: [1, 3, cropSize, cropSize],
    output: kind,
    pooling,
    preprocessing: { resizeShortSide, cropSize, mean: numbers(pre.mean, 'mean', 3), std: numbers(pre.std, 'std', 3) },
    dimension,
    maxPixels: Number(body.max_pixels) > 0 ? Number(body.max_pixels) : Number.POSITIVE_INFINITY,
    jpegMinShortSide: Number(pre.jpeg_min_short_side) > 0 ? Number(pre.jpeg_min_short_side) : null,
  };
}
