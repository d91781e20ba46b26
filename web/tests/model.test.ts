import { describe, expect, it } from 'vitest';
import { parseModelInfo, UnsupportedModelError } from '../src/ondevice/model';
import { modelDescription } from './fixtures/model';

describe('parseModelInfo', () => {
  it('reads what the service runs: input, preprocessing, pooling, dimension', () => {
    const info = parseModelInfo(modelDescription());
    expect(info).toMatchObject({
      sha256: 'ab'.repeat(32),
      url: `/model/feature.onnx?sha256=${'ab'.repeat(32)}`,
      bytes: 2367701,
      inputShape: [1, 3, 224, 224],
      output: 'pooled',
      pooling: { method: 'average' },
      preprocessing: { resizeShortSide: 256, cropSize: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      dimension: 1280,
      maxPixels: 40000000,
    });
  });

  it('takes a feature-map model with the pooling the page must do', () => {
    const info = parseModelInfo(modelDescription({ output: { type: 'float32', kind: 'feature_map', shape: [1, 1280, 7, 7] }, pooling: 'gem-p3' }));
    expect(info.output).toBe('feature_map');
    expect(info.pooling).toEqual({ method: 'gem', p: 3 });
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['another layout', { input: { type: 'float32', layout: 'NHWC', shape: [1, 224, 224, 3] } }, /layout 'NCHW'/],
    ['an input that is not the crop', { input: { type: 'float32', layout: 'NCHW', shape: [1, 3, 299, 299] } }, /takes \[1,3,299,299\]/],
    ['another resize filter', { preprocessing: { ...(modelDescription().preprocessing as object), resize_filter: 'bicubic' } }, /resize filter/],
    ['another scale', { preprocessing: { ...(modelDescription().preprocessing as object), scale: 1 } }, /1\/255/],
    ['an unknown pooling', { output: { type: 'float32', kind: 'feature_map', shape: [1, 1280, 7, 7] }, pooling: 'max' }, /Unknown pooling/],
    ['pooling a pooled output again', { pooling: 'rmac' }, /cannot be pooled/],
    ['an output of another dimension', { output: { type: 'float32', kind: 'pooled', shape: [1, 512] } }, /1280-d/],
    ['no model hash', { model_sha256: 'nope' }, /model_sha256/],
    ['another normalisation', { normalization: 'none' }, /normalisation/],
  ];

  it.each(refusals)('refuses %s, naming it', (_name, change, message) => {
    expect(() => parseModelInfo(modelDescription(change))).toThrow(UnsupportedModelError);
    expect(() => parseModelInfo(modelDescription(change))).toThrow(message);
  });

  it('refuses an answer that is not a description at all', () => {
    expect(() => parseModelInfo(null)).toThrow(UnsupportedModelError);
    expect(() => parseModelInfo({})).toThrow(/no 'input'/);
  });
});
