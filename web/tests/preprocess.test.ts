import { describe, expect, it } from 'vitest';
import { normalizeL2, parsePooling, pool, rmacRegions } from '../src/ondevice/pooling';
import { fma32, resampleWeights, resizedSize, roundHalfEven, tensorize, type Pixels } from '../src/ondevice/preprocess';
import fixture from './fixtures/preprocessing.json';

/** The synthetic photo of the fixture (its "pixel" formula), RGB or RGBA. */
function syntheticPhoto(width: number, height: number, channels: 3 | 4): Pixels {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * channels + c] = (x * 7 + y * 13 + c * 50 + ((x * y) % 17)) % 256;
      if (channels === 4) data[(y * width + x) * 4 + 3] = 255;
    }
  }
  return { data, width, height, channels };
}

/** The synthetic feature map of the fixture (its "map" formula). */
function syntheticMap(channels: number, height: number, width: number): Float32Array {
  const map = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) map[(c * height + y) * width + x] = (((c * 31 + y * 7 + x * 3 + x * y * (c + 1)) % 13) - 4) / 4;
    }
  }
  return map;
}

describe('the fixture', () => {
  it('is the one the C# test writes (same formulas)', () => {
    expect(fixture.pixel).toBe('(x * 7 + y * 13 + c * 50 + (x * y) % 17) % 256');
    expect(fixture.map).toBe('((c * 31 + y * 7 + x * 3 + x * y * (c + 1)) % 13 - 4) / 4');
    expect(fixture.tensorizer.length).toBeGreaterThanOrEqual(5);
  });
});

describe('tensorize matches the server\'s ImageTensorizer', () => {
  it.each(fixture.tensorizer.map((c) => [c.name, c] as const))('%s', (_name, expected) => {
    const options = { resizeShortSide: expected.resize_short_side, cropSize: expected.crop_size, mean: expected.mean, std: expected.std };
    for (const channels of [3, 4] as const) {
      const tensor = tensorize(syntheticPhoto(expected.width, expected.height, channels), options);
      expect(tensor).toHaveLength(3 * expected.crop_size * expected.crop_size);
      const sampled = Array.from(tensor).filter((_, i) => i % expected.stride === 0);
      expect(sampled).toHaveLength(expected.values.length);
      // The fixture holds each float's shortest decimal: read back as a 32-bit float, it is that float exactly.
      const worst = Math.max(...sampled.map((v, i) => Math.abs(v - Math.fround(expected.values[i]!))));
      // Bit for bit: the int8 model turns a last-bit difference in its input into a visibly different vector.
      expect(worst).toBe(0);
      const plane = expected.crop_size * expected.crop_size;
      for (let c = 0; c < 3; c++) {
        const sum = tensor.subarray(c * plane, (c + 1) * plane).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(expected.sums[c]!, 1);
      }
    }
  });

  it('keeps pixel values on the 0–255 scale when not normalising', () => {
    const photo: Pixels = { data: new Uint8Array(256 * 256 * 3).fill(200), width: 256, height: 256, channels: 3 };
    const tensor = tensorize(photo, { resizeShortSide: 256, cropSize: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }, false);
    expect(Array.from(new Set(Array.from(tensor, (v) => Math.round(v * 1000) / 1000)))).toEqual([200]);
  });

  it('refuses pixels that do not fill the image', () => {
    const options = { resizeShortSide: 16, cropSize: 12, mean: [0, 0, 0], std: [1, 1, 1] };
    expect(() => tensorize({ data: new Uint8Array(10), width: 20, height: 20, channels: 3 }, options)).toThrow(/20x20/);
  });
});

describe('fma32', () => {
  it('rounds a × b + c once, as a fused multiply-add does', () => {
    expect(fma32(3, 0.5, 0.25)).toBe(1.75);
    expect(fma32(Math.fround(0.1), Math.fround(0.2), Math.fround(0.3))).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.2) + Math.fround(0.3)));
  });

  it('gets a sum that rounds (in a double) onto a midpoint between two floats right', () => {
    // a × b = 2^-24 (1 - 2^-36): c + a × b lies just below the midpoint 1 + 3·2^-24, where a double rounds it.
    const a = 2 ** -24 * (1 + 2 ** -18);
    const b = 1 - 2 ** -18;
    const c = 1 + 2 ** -23;
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22);
    expect(fma32(a, b, c)).toBe(1 + 2 ** -23);
    expect(fma32(-a, b, -c)).toBe(-(1 + 2 ** -23));
  });
});

describe('the resize geometry rounds halves to even, as C# does', () => {
  it('rounds like Math.Round(x, MidpointRounding.ToEven)', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, -2, 2, 3]);
  });

  it.each([
    [512, 341, 384, 256],
    [341, 512, 256, 384],
    [4000, 3000, 341, 256],
    [512, 418, 314, 256],
    [100, 100, 256, 256],
    [4, 6, 256, 384],
  ])('resizes %ix%i to %ix%i', (width, height, expectedWidth, expectedHeight) => {
    expect(resizedSize(width, height, 256)).toEqual([expectedWidth, expectedHeight]);
  });

  it('gives weights that sum to one and widen when shrinking', () => {
    const shrink = resampleWeights(1000, 100, 0, 100);
    expect(shrink.taps).toBe(2 * 10 + 1);
    for (let i = 0; i < 100; i++) {
      const sum = shrink.weights.subarray(i * shrink.taps, i * shrink.taps + shrink.count[i]!).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    expect(resampleWeights(10, 20, 0, 20).taps).toBe(3);
  });
});

describe('pooling matches the server\'s FeaturePooling', () => {
  it.each(fixture.pooling.map((c) => [`${c.pooling} ${c.channels}x${c.height}x${c.width}`, c] as const))('%s', (_name, expected) => {
    const vector = pool(syntheticMap(expected.channels, expected.height, expected.width), expected.channels, expected.height, expected.width, parsePooling(expected.pooling));
    expect(Math.max(...Array.from(vector, (v, i) => Math.abs(v - expected.vector[i]!)))).toBeLessThan(1e-5);
  });

  it('parses the names the server writes', () => {
    expect(parsePooling('average')).toEqual({ method: 'average' });
    expect(parsePooling('gem')).toEqual({ method: 'gem', p: 3 });
    expect(parsePooling('gem-p2.5')).toEqual({ method: 'gem', p: 2.5 });
    expect(parsePooling('RMAC')).toEqual({ method: 'rmac' });
    expect(() => parsePooling('max')).toThrow(/Unknown pooling/);
  });

  it('uses the R-MAC regions of the server: 1 + 4 + 9 on a square map', () => {
    expect(rmacRegions(7, 7)).toHaveLength(14);
    expect(rmacRegions(7, 7)[0]).toEqual({ top: 0, left: 0, size: 7 });
  });

  it('normalises to unit length and leaves a zero vector alone', () => {
    expect(Array.from(normalizeL2(new Float32Array([3, 4])))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(normalizeL2(new Float32Array([0, 0])))).toEqual([0, 0]);
  });
});
