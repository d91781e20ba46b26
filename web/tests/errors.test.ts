import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import { describeError } from '../src/errors';
import { ImageFileError } from '../src/ondevice/decode';
import { OnDeviceUnavailableError } from '../src/ondevice/embedder';
import { UnsupportedModelError } from '../src/ondevice/model';

const cases: [number, string, RegExp][] = [
  [0, 'Network error', /Cannot reach the search service/],
  [400, 'The image URL is not allowed', /That image address cannot be used/],
  [400, 'No image', /No image to search with/],
  [400, "Give either 'file' or 'image_url'", /No image to search with/],
  [400, 'Bad parameter', /The search was not accepted/],
  [404, 'Not found', /Product not found/],
  [413, 'Request too large', /The image is too large/],
  [415, 'Unsupported image format', /not a supported image/],
  [422, 'Corrupt image', /could not be read/],
  [422, 'Image too large', /too many pixels/],
  [429, 'Too many requests', /Too many searches/],
  [502, 'The image could not be fetched', /could not be fetched/],
  [503, 'Not ready', /busy/],
  [504, 'The image URL did not answer in time', /took too long/],
  [500, 'Internal server error', /The service had a problem/],
];

describe('describeError', () => {
  it.each(cases)('maps %i "%s" to plain words', (status, title, expected) => {
    const friendly = describeError(new ApiError(status, title, 'the detail'));
    expect(friendly.title).toMatch(expected);
    expect(friendly.message.length).toBeGreaterThan(20);
    // A browser's "Failed to fetch" is jargon: the headline already says the service could not be reached.
    expect(friendly.detail).toBe(status === 0 ? '' : 'the detail');
  });

  it('offers Retry where trying the same search again may work, and only there', () => {
    const retry = (status: number) => describeError(new ApiError(status, 'x', '')).retry === true;
    expect([0, 429, 500, 503].map(retry)).toEqual([true, true, true, true]);
    expect([400, 404, 413, 415, 422].map(retry)).toEqual([false, false, false, false, false]);
  });

  it('says an empty file is empty, and never blames the filters for it', () => {
    const friendly = describeError(new ImageFileError('empty', 'The file is empty (0 bytes).'));
    expect(friendly.title).toBe('The file is empty');
    expect(friendly.message).not.toMatch(/filter|price/i);
  });

  it('words documents and other files as "not a supported image", naming what can be searched', () => {
    const friendly = describeError(new ImageFileError('unsupported', 'This browser cannot read the file as an image.'));
    expect(friendly.title).toBe('That file is not a supported image');
    expect(friendly.message).toMatch(/GIF/);
    expect(friendly.message).toMatch(/PDF/);
  });

  it('says what to do next for a forbidden URL: use a public link or upload', () => {
    const friendly = describeError(new ApiError(400, 'The image URL is not allowed', ''));
    expect(friendly.message).toMatch(/public/);
    expect(friendly.message).toMatch(/upload/);
  });

  it('uses Retry-After when rate limited', () => {
    expect(describeError(new ApiError(429, 'Too many requests', '', 12)).message).toMatch(/Wait 12 seconds/);
  });

  it('handles errors that are not from the API', () => {
    expect(describeError(new Error('boom'))).toMatchObject({ title: 'Something went wrong', detail: 'boom' });
  });

  it.each([
    [new ImageFileError('unsupported', 'not a JPEG'), /not a supported image/],
    [new ImageFileError('corrupt', 'broken'), /could not be read/],
    [new ImageFileError('too-many-pixels', '9000x9000'), /too many pixels/],
  ])('words a photo the browser cannot use like the server\'s answer (%s)', (error, expected) => {
    expect(describeError(error).title).toMatch(expected);
    expect(describeError(error).detail).toBe(error.message);
  });

  it('says how to go on when on-device search cannot run: turn it off (the photo is then uploaded)', () => {
    for (const error of [new OnDeviceUnavailableError('no WebAssembly'), new UnsupportedModelError('NHWC'), new ApiError(503, 'Model file changed', '')]) {
      const friendly = describeError(error);
      expect(friendly.title).toMatch(/On-device search is not available/);
      expect(friendly.message).toMatch(/Turn off "On-device"/);
      expect(friendly.message).toMatch(/uploaded/);
    }
  });
});
