import { describe, expect, it } from 'vitest';
import { boxFrom, nudge } from '../src/crop';
import { DEFAULT_THRESHOLD, thresholdForNewSearch } from '../src/state';
import { SEND_AS_IS_BYTES, UPLOAD_SHORT_SIDE, cropPixels, isWholePhoto, preparePhoto, scaledSize } from '../src/upload';
import { ImageFileError } from '../src/ondevice/errors';

describe('scaledSize: photos are made small before upload', () => {
  it('scales a 12 MP phone photo to a shorter side of 512, keeping its shape', () => {
    expect(scaledSize(4032, 3024)).toEqual([683, UPLOAD_SHORT_SIDE]);
    expect(scaledSize(3024, 4032)).toEqual([UPLOAD_SHORT_SIDE, 683]);
  });

  it('never enlarges a small photo', () => {
    expect(scaledSize(400, 300)).toEqual([400, 300]);
    expect(scaledSize(512, 2000)).toEqual([512, 2000]);
  });

  it('sends small files as they are (the limit is the issue\'s 400 kB)', () => {
    expect(SEND_AS_IS_BYTES).toBeLessThanOrEqual(400_000);
  });
});

describe('crop: the part of the photo to search', () => {
  it('turns fractions into whole pixels inside the photo, at least one pixel', () => {
    expect(cropPixels({ x: 0.25, y: 0.5, width: 0.5, height: 0.25 }, 400, 200)).toEqual({ x: 100, y: 100, width: 200, height: 50 });
    expect(cropPixels({ x: 0.999, y: 0.999, width: 0, height: 0 }, 100, 100)).toEqual({ x: 99, y: 99, width: 1, height: 1 });
    expect(cropPixels({ x: -1, y: -1, width: 5, height: 5 }, 10, 20)).toEqual({ x: 0, y: 0, width: 10, height: 20 });
  });

  it('counts a box around the whole photo, or none, as the whole photo (the first search uses it whole)', () => {
    expect(isWholePhoto(null)).toBe(true);
    expect(isWholePhoto({ x: 0, y: 0, width: 1, height: 1 })).toBe(true);
    expect(isWholePhoto({ x: 0.1, y: 0, width: 0.9, height: 1 })).toBe(false);
  });

  it('draws a box from two corners in either order and keeps it inside the photo and not too small', () => {
    expect(boxFrom(0.8, 0.9, 0.2, 0.1)).toEqual({ x: 0.2, y: 0.1, width: 0.6000000000000001, height: 0.8 });
    const tiny = boxFrom(0.99, 0.5, 0.99, 0.5);
    expect(tiny.x + tiny.width).toBeLessThanOrEqual(1);
    expect(tiny.width).toBeCloseTo(0.05);
  });

  it('moves and resizes the box with the keyboard without leaving the photo', () => {
    const box = { x: 0.7, y: 0.2, width: 0.3, height: 0.3 };
    expect(nudge(box, 0.1, 0, false).x).toBeCloseTo(0.7);
    expect(nudge(box, -0.1, 0.1, false)).toEqual({ x: 0.6, y: 0.30000000000000004, width: 0.3, height: 0.3 });
    expect(nudge(box, 0, 0.1, true).height).toBeCloseTo(0.4);
  });
});

describe('preparePhoto: files that are no photo get a clear reason', () => {
  it('calls a 0-byte file empty, before anything else', async () => {
    await expect(preparePhoto(new Blob([]))).rejects.toMatchObject({ reason: 'empty' });
    await expect(preparePhoto(new Blob([]))).rejects.toBeInstanceOf(ImageFileError);
  });
});

describe('thresholdForNewSearch: a threshold belongs to one search', () => {
  it('starts a new photo at the default after the page lowered it for the last one', () => {
    expect(thresholdForNewSearch(0.34, 'suggested')).toEqual({ threshold: DEFAULT_THRESHOLD, source: 'default' });
    expect(thresholdForNewSearch(0.7, 'default')).toEqual({ threshold: DEFAULT_THRESHOLD, source: 'default' });
  });

  it('keeps a threshold the user chose on the slider', () => {
    expect(thresholdForNewSearch(0.5, 'user')).toEqual({ threshold: 0.5, source: 'user' });
  });
});
