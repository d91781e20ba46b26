/**
 * A feature map → one vector, as the server's FeaturePooling does (core/Embedding) for models prepared with
 * `--feature-map`: "average", "gem-pN" (generalised mean) or "rmac" (regional max). Maps are channel-major:
 * channel c's H×W values lie contiguously. Models that pool in their graph (the default) need none of this.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- numeric kernels: every typed-array index below is within the
   bounds computed (and checked) from the image or map size, and `?? 0` in the inner loops would hide a bug. */
import { roundHalfEven } from './preprocess';

export type Pooling = { method: 'average' } | { method: 'gem'; p: number } | { method: 'rmac' };

/** Parses the names FeaturePooling.Name writes (and Parse reads): average (avg, mean), gem (p 3), gem-p3, gem3, rmac. */
export function parsePooling(name: string): Pooling {
  const n = name.trim().toLowerCase();
  if (n === 'average' || n === 'avg' || n === 'mean') return { method: 'average' };
  if (n === 'rmac') return { method: 'rmac' };
  if (n.startsWith('gem')) {
    let rest = n.slice(3);
    rest = rest.startsWith('-p') ? rest.slice(2) : rest.startsWith('p') || rest.startsWith('=') ? rest.slice(1) : rest;
    const p = rest === '' ? 3 : Number(rest);
    if (Number.isFinite(p) && p > 0) return { method: 'gem', p };
  }
  throw new Error(`Unknown pooling '${name}': use average, gem-pN (e.g. gem-p3) or rmac.`);
}

/** R-MAC's regions for an H×W map (FeaturePooling.Regions): scales 1..levels, squares of side 2·min/(l+1). */
export function rmacRegions(height: number, width: number, levels = 3): { top: number; left: number; size: number }[] {
  const regions: { top: number; left: number; size: number }[] = [];
  const shorter = Math.min(height, width);
  for (let l = 1; l <= levels; l++) {
    const size = l === 1 ? shorter : Math.max(1, roundHalfEven((2 * shorter) / (l + 1)));
    const rows = height === size ? 1 : l + (height > shorter ? 1 : 0);
    const cols = width === size ? 1 : l + (width > shorter ? 1 : 0);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const top = rows === 1 ? Math.trunc((height - size) / 2) : roundHalfEven((i * (height - size)) / (rows - 1));
        const left = cols === 1 ? Math.trunc((width - size) / 2) : roundHalfEven((j * (width - size)) / (cols - 1));
        regions.push({ top, left, size });
      }
    }
  }
  return regions;
}

/** Pools a [channels, height, width] map into `channels` floats (not normalised). */
export function pool(map: Float32Array, channels: number, height: number, width: number, pooling: Pooling): Float32Array {
  const area = height * width;
  if (area === 0 || map.length < channels * area) throw new Error(`A [${channels}, ${height}, ${width}] map needs ${channels * area} floats.`);
  const out = new Float32Array(channels);
  switch (pooling.method) {
    case 'average':
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = c * area; i < (c + 1) * area; i++) sum += map[i]!;
        out[c] = sum / area;
      }
      return out;
    case 'gem':
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = c * area; i < (c + 1) * area; i++) sum += Math.max(map[i]!, 0) ** pooling.p;
        const mean = sum / area;
        out[c] = mean > 0 ? mean ** (1 / pooling.p) : 0;
      }
      return out;
    case 'rmac': {
      const region = new Float32Array(channels);
      for (const { top, left, size } of rmacRegions(height, width)) {
        let norm = 0;
        for (let c = 0; c < channels; c++) {
          let max = -Infinity;
          for (let y = top; y < top + size; y++) {
            const row = c * area + y * width + left;
            for (let x = 0; x < size; x++) max = Math.max(max, map[row + x]!);
          }
          region[c] = max;
          norm += max * max;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) for (let c = 0; c < channels; c++) out[c] = out[c]! + region[c]! / norm;
      }
      return out;
    }
  }
}

/** Scales a vector to unit length in place (a zero vector stays zero), as FeatureExtractor.Normalize does. */
export function normalizeL2(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

