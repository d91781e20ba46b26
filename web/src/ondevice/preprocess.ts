/**
 * Photo pixels → the model's input tensor, exactly as the server's ImageTensorizer does it (core/Imaging): the shorter
 * side resized to `resizeShortSide` with Pillow's anti-aliased bilinear filter (the longer side rounded half to even),
 * a centred `cropSize` square, pixel / 255, (x − mean) / std per channel, planar NCHW float32. Like the server, only
 * the crop is ever computed: the vertical pass reads just the source rows and columns the crop needs.
 */

export interface Preprocessing {
  resizeShortSide: number;
  cropSize: number;
  /** Per-channel (R, G, B) mean and standard deviation on the 0–1 scale. */
  mean: readonly number[];
  std: readonly number[];
}

/** Upright 8-bit pixels, rows packed: RGB (3 channels) or RGBA (4; alpha already composited, ignored here). */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** C#'s Math.Round(x, MidpointRounding.ToEven); JavaScript's Math.round rounds halves up. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The resized size: shorter side to `target`, longer side scaled and rounded half to even. */
export function resizedSize(width: number, height: number, target: number): [number, number] {
  return width <= height
    ? [target, roundHalfEven((target * height) / width)]
    : [roundHalfEven((target * width) / height), target];
}

/** Triangle-filter weights of a band of output samples (Pillow's ImagingResample; ResampleWeights.cs). */
export interface ResampleWeights {
  /** First source index of each output sample. */
  start: Int32Array;
  /** Source samples each output sample reads. */
  count: Int32Array;
  /** `taps` weights per output sample, summing to 1. */
  weights: Float32Array;
  taps: number;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/** Weights of outputs first..first+count−1 of a sourceSize → resizedSize resize. */
export function resampleWeights(sourceSize: number, resized: number, first: number, count: number): ResampleWeights {
  const scale = sourceSize / resized;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter's support is 1
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(count);
  const counts = new Int32Array(count);
  const weights = new Float32Array(count * taps);
  for (let i = 0; i < count; i++) {
    const center = (first + i + 0.5) * scale;
    // C#'s (int) truncates toward zero.
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const max = Math.min(Math.trunc(center + support + 0.5), sourceSize);
    let sum = 0;
    for (let x = min; x < max; x++) sum += triangle((x - center + 0.5) / filterScale);
    start[i] = min;
    counts[i] = max - min;
    for (let x = min; x < max; x++) {
      weights[i * taps + x - min] = sum > 0 ? triangle((x - center + 0.5) / filterScale) / sum : 0;
    }
  }
  return { start, count: counts, weights, taps };
}

/** Floats one image's tensor takes: 3 × crop × crop. */
export function tensorLength(options: Preprocessing): number {
  return 3 * options.cropSize * options.cropSize;
}

/**
 * The normalised NCHW tensor of `image`. With `normalize: false` the values stay on the 0–255 scale (for tests), as
 * the server's WriteUnnormalized writes them.
 */
export function tensorize(image: Pixels, options: Preprocessing, normalize = true): Float32Array {
  const { width, height, channels, data } = image;
  const crop = options.cropSize;
  if (!(crop > 0) || options.resizeShortSide < crop) throw new Error('cropSize must be positive and no larger than resizeShortSide.');
  if (width <= 0 || height <= 0 || data.length < width * height * channels) throw new Error(`Pixels do not hold a ${width}x${height} image.`);

  const [resizedWidth, resizedHeight] = resizedSize(width, height, options.resizeShortSide);
  const left = roundHalfEven((resizedWidth - crop) / 2);
  const top = roundHalfEven((resizedHeight - crop) / 2);
  const columns = resampleWeights(width, resizedWidth, left, crop);
  const rows = resampleWeights(height, resizedHeight, top, crop);

  // Vertical pass: crop rows × the source columns the crop reads, interleaved RGB floats.
  const x0 = columns.start[0]!;
  const x1 = columns.start[crop - 1]! + columns.count[crop - 1]!;
  const span = (x1 - x0) * 3;
  const buffer = new Float32Array(crop * span);
  const stride = width * channels;
  for (let y = 0; y < crop; y++) {
    const first = rows.start[y]!;
    const taps = rows.count[y]!;
    const weightsAt = y * rows.taps;
    const out = y * span;
    for (let x = x0; x < x1; x++) {
      const pixel = x * channels;
      const o = out + (x - x0) * 3;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < taps; k++) {
        const w = rows.weights[weightsAt + k]!;
        const p = (first + k) * stride + pixel;
        r += w * data[p]!;
        g += w * data[p + 1]!;
        b += w * data[p + 2]!;
      }
      buffer[o] = r;
      buffer[o + 1] = g;
      buffer[o + 2] = b;
    }
  }

  // Horizontal pass: the crop's columns, clamped to 0–255, normalised and scattered into the three planes.
  const plane = crop * crop;
  const tensor = new Float32Array(3 * plane);
  const scale = [0, 1, 2].map((c) => (normalize ? 1 / (255 * options.std[c]!) : 1));
  const bias = [0, 1, 2].map((c) => (normalize ? -options.mean[c]! / options.std[c]! : 0));
  for (let y = 0; y < crop; y++) {
    const row = y * span;
    for (let x = 0; x < crop; x++) {
      const base = row + (columns.start[x]! - x0) * 3;
      const taps = columns.count[x]!;
      const weightsAt = x * columns.taps;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < taps; k++) {
        const w = columns.weights[weightsAt + k]!;
        const p = base + k * 3;
        r += w * buffer[p]!;
        g += w * buffer[p + 1]!;
        b += w * buffer[p + 2]!;
      }
      const i = y * crop + x;
      tensor[i] = clamp255(r) * scale[0]! + bias[0]!;
      tensor[plane + i] = clamp255(g) * scale[1]! + bias[1]!;
      tensor[2 * plane + i] = clamp255(b) * scale[2]! + bias[2]!;
    }
  }
  return tensor;
}

function clamp255(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}
