/**
 * Photo pixels → the model's input tensor, exactly as the server's ImageTensorizer does it (core/Imaging): the shorter
 * side resized to `resizeShortSide` with Pillow's anti-aliased bilinear filter (the longer side rounded half to even),
 * a centred `cropSize` square, pixel / 255, (x − mean) / std per channel, planar NCHW float32. Like the server, only
 * the crop is ever computed: the vertical pass reads just the source rows and columns the crop needs.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernels: every typed-array index below is within the
   bounds computed (and checked) from the image or map size, and `?? 0` in the inner loops would hide a bug. */

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
export function tensorize(image: Pixels, options: Preprocessing, normalize = true, fullSize?: readonly [number, number]): Float32Array {
  const { width, height, channels, data } = image;
  const crop = options.cropSize;
  if (!(crop > 0) || options.resizeShortSide < crop) throw new Error('cropSize must be positive and no larger than resizeShortSide.');
  if (width <= 0 || height <= 0 || data.length < width * height * channels) throw new Error(`Pixels do not hold a ${width}x${height} image.`);

  // The geometry comes from the photo's full size when the pixels are a reduced decode of it (as on the server).
  const [fullWidth, fullHeight] = fullSize ?? [width, height];
  const [resizedWidth, resizedHeight] = resizedSize(fullWidth, fullHeight, options.resizeShortSide);
  const left = roundHalfEven((resizedWidth - crop) / 2);
  const top = roundHalfEven((resizedHeight - crop) / 2);
  const columns = resampleWeights(width, resizedWidth, left, crop);
  const rows = resampleWeights(height, resizedHeight, top, crop);

  // Vertical pass: crop rows × the source columns the crop reads, interleaved RGB floats. The arithmetic is the
  // server's, float for float: its SIMD loop (whole blocks of 16 values) accumulates with fused multiply-adds in 32-bit
  // floats, its scalar tail with a rounded multiply then a rounded add. Anything less exact moves an input across an
  // int8 quantisation step now and then, and that is enough to change the int8 model's vector by about 1%.
  const x0 = columns.start[0]!;
  const x1 = columns.start[crop - 1]! + columns.count[crop - 1]!;
  const span = (x1 - x0) * 3;
  const fused = span - (span % 16);
  const buffer = new Float32Array(crop * span);
  const stride = width * channels;
  for (let y = 0; y < crop; y++) {
    const first = rows.start[y]!;
    const taps = rows.count[y]!;
    const weightsAt = y * rows.taps;
    const out = y * span;
    for (let x = x0; x < x1; x++) {
      const pixel = x * channels;
      for (let c = 0; c < 3; c++) {
        const i = (x - x0) * 3 + c;
        let sum = 0;
        if (i < fused) {
          for (let k = 0; k < taps; k++) sum = fma32(data[(first + k) * stride + pixel + c]!, rows.weights[weightsAt + k]!, sum);
        } else {
          for (let k = 0; k < taps; k++) sum = fround(sum + fround(rows.weights[weightsAt + k]! * data[(first + k) * stride + pixel + c]!));
        }
        buffer[out + i] = sum;
      }
    }
  }

  // Horizontal pass: the crop's columns (fused multiply-adds, as the server's Vector128 loop), clamped to 0–255,
  // normalised with the server's 32-bit scale and bias, scattered into the three planes.
  const plane = crop * crop;
  const tensor = new Float32Array(3 * plane);
  const scale = [0, 1, 2].map((c) => (normalize ? fround(1 / fround(255 * fround(options.std[c]!))) : 1));
  const bias = [0, 1, 2].map((c) => (normalize ? fround(-fround(options.mean[c]!) / fround(options.std[c]!)) : 0));
  for (let y = 0; y < crop; y++) {
    const row = y * span;
    for (let x = 0; x < crop; x++) {
      const base = row + (columns.start[x]! - x0) * 3;
      const taps = columns.count[x]!;
      const weightsAt = x * columns.taps;
      const i = y * crop + x;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < taps; k++) sum = fma32(buffer[base + k * 3 + c]!, columns.weights[weightsAt + k]!, sum);
        tensor[c * plane + i] = fma32(clamp255(sum), scale[c]!, bias[c]!);
      }
    }
  }
  return tensor;
}

const fround = Math.fround;

/**
 * a × b + c rounded once to a 32-bit float, as a fused multiply-add does (a, b and c are 32-bit floats). The product is
 * exact in a double; the sum may round there first, which changes the float only when it lands exactly halfway
 * between two floats: then the sum's rounding error (TwoSum) says which way the exact value lies.
 */
export function fma32(a: number, b: number, c: number): number {
  const product = a * b;
  const sum = product + c;
  const nearest = fround(sum);
  const beyond = 2 * sum - nearest;
  if (beyond === nearest || fround(beyond) !== beyond) return nearest; // not a tie
  const shift = sum - product;
  const error = (product - (sum - shift)) + (c - shift);
  if (error === 0) return nearest; // a true tie: rounded to even, as the hardware does
  return (error > 0) === (beyond > nearest) ? beyond : nearest;
}

function clamp255(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}
