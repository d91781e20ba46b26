import { describe, expect, it } from 'vitest';
import wasmDataUrl from '@cwasm/jpeg-turbo/jpeg-turbo.wasm?inline';
import { ImageFileError } from '../src/ondevice/errors';
import { applyOrientation, jpegOrientation, orientationFromTiff } from '../src/ondevice/exif';
import { decodeJpeg, scaledSize } from '../src/ondevice/jpeg';
import fixture from './fixtures/preprocessing.json';

function base64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const module = WebAssembly.compile(base64(wasmDataUrl.slice(wasmDataUrl.indexOf(',') + 1)));

describe('decodeJpeg gives the server\'s pixels (JpegDecoder over native libjpeg-turbo), byte for byte', () => {
  it.each(fixture.jpeg.map((c) => [c.name, c.min_short_side ?? 'full size', c] as const))('%s at %s', async (_name, _scale, expected) => {
    const decoded = await decodeJpeg(base64(expected.file), await module, 40_000_000, expected.min_short_side);

    expect([decoded.pixels.width, decoded.pixels.height]).toEqual([expected.width, expected.height]);
    expect(decoded.fullSize).toEqual(expected.full_size);
    expect(decoded.pixels.channels).toBe(3);
    expect(Array.from(decoded.pixels.data)).toEqual(Array.from(base64(expected.rgb)));
  });

  it('refuses a photo over the pixel limit before decoding it', async () => {
    const file = base64(fixture.jpeg[0]!.file);
    await expect(decodeJpeg(file, await module, 100, null)).rejects.toMatchObject({ reason: 'too-many-pixels' });
  });

  it('calls data libjpeg cannot read corrupt, and decodes the next photo as usual', async () => {
    const file = base64(fixture.jpeg[1]!.file);
    const broken = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, ...Array.from({ length: 40 }, (_, i) => (i * 53) % 256)]);

    await expect(decodeJpeg(broken, await module, 40_000_000, null)).rejects.toBeInstanceOf(ImageFileError);
    await expect(decodeJpeg(broken, await module, 40_000_000, null)).rejects.toMatchObject({ reason: 'corrupt' });
    await expect(decodeJpeg(file, await module, 40_000_000, null)).resolves.toMatchObject({ fullSize: [32, 16] });
  });
});

describe('scaledSize picks the DCT scale the server picks', () => {
  it.each([
    [4032, 3024, 320, [504, 378]], // a phone photo: 1/8
    [2400, 3198, 320, [600, 800]], // 1/8 would make 300 wide: 1/4
    [800, 1066, 320, [400, 533]], // 1/2
    [600, 800, 320, [600, 800]], // 300 < 320: full size
    [1201, 401, 200, [601, 201]], // TurboJPEG rounds up
    [4032, 3024, null, [4032, 3024]],
  ] as const)('%ix%i keeping %s → %j', (width, height, min, expected) => {
    expect(scaledSize(width, height, min)).toEqual(expected);
  });
});

describe('EXIF orientation', () => {
  it('reads the tag from a JPEG\'s APP1 segment, big- or little-endian', () => {
    const byName = new Map(fixture.jpeg.map((c) => [c.name, base64(c.file)]));
    expect(jpegOrientation(byName.get('exif6.jpg')!)).toBe(6);
    expect(jpegOrientation(byName.get('exif3.jpg')!)).toBe(3);
    expect(jpegOrientation(byName.get('gray.jpg')!)).toBe(1);
  });

  it('reads malformed or hostile data as upright', () => {
    expect(orientationFromTiff(new Uint8Array([0x49, 0x49, 42, 0, 0xff, 0xff, 0xff, 0xff]))).toBe(1);
    expect(orientationFromTiff(new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0]))).toBe(1);
    expect(orientationFromTiff(new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0]))).toBe(8);
    expect(jpegOrientation(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]))).toBe(1);
  });

  it('turns pixels upright as the server does', () => {
    // 3x2: pixel values 1..6 in reading order (one channel repeated).
    const image = { data: Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, v, v])), width: 3, height: 2, channels: 3 as const };
    const values = (o: number) => { const p = applyOrientation(image, o); return [p.width, p.height, Array.from(p.data).filter((_, i) => i % 3 === 0)]; };
    expect(values(1)).toEqual([3, 2, [1, 2, 3, 4, 5, 6]]);
    expect(values(2)).toEqual([3, 2, [3, 2, 1, 6, 5, 4]]);
    expect(values(3)).toEqual([3, 2, [6, 5, 4, 3, 2, 1]]);
    expect(values(4)).toEqual([3, 2, [4, 5, 6, 1, 2, 3]]);
    expect(values(5)).toEqual([2, 3, [1, 4, 2, 5, 3, 6]]);
    expect(values(6)).toEqual([2, 3, [4, 1, 5, 2, 6, 3]]);
    expect(values(7)).toEqual([2, 3, [6, 3, 5, 2, 4, 1]]);
    expect(values(8)).toEqual([2, 3, [3, 6, 2, 5, 1, 4]]);
  });
});
