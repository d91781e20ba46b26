import { describe, expect, it } from 'vitest';
import { sniffImage } from '../src/ondevice/decode';

function bytes(...parts: (number[] | string)[]): Uint8Array {
  return new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (c) => c.charCodeAt(0)) : part)));
}

describe('sniffImage', () => {
  it('recognises JPEG, PNG and WebP from their first bytes, as the server does', () => {
    expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImage(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImage(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImage(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [0, 0, 0, 0], [0x10]))).toBe('webp');
  });

  it('refuses other formats and animated WebP, which the server refuses too', () => {
    expect(sniffImage(bytes('GIF89a'))).toBeNull();
    expect(sniffImage(bytes('BM'))).toBeNull();
    expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypheic'))).toBeNull();
    expect(sniffImage(bytes('this is not a photo'))).toBeNull();
    expect(sniffImage(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [0, 0, 0, 0], [0x02]))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });
});
