/**
 * EXIF orientation, as the server reads and applies it (ExifOrientationReader.cs, ImageOrientation.cs): the
 * Orientation tag (0x0112) of IFD0 in a JPEG APP1 "Exif\0\0" segment, and stored pixels turned upright. Every offset
 * is bounds-checked: malformed data reads as orientation 1.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- pixel loops over sizes checked on entry. */
import type { Pixels } from './preprocess';

const ORIENTATION_TAG = 0x0112;

function u16(data: Uint8Array, offset: number, bigEndian: boolean): number {
  return bigEndian ? (data[offset]! << 8) | data[offset + 1]! : data[offset]! | (data[offset + 1]! << 8);
}

function u32(data: Uint8Array, offset: number, bigEndian: boolean): number {
  return bigEndian
    ? ((data[offset]! << 24) >>> 0) + (data[offset + 1]! << 16) + (data[offset + 2]! << 8) + data[offset + 3]!
    : data[offset]! + (data[offset + 1]! << 8) + (data[offset + 2]! << 16) + ((data[offset + 3]! << 24) >>> 0);
}

/** The orientation (1 to 8) in a TIFF structure (an EXIF block after "Exif\0\0"); 1 when absent or unreadable. */
export function orientationFromTiff(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  let bigEndian: boolean;
  if (tiff[0] === 0x49 && tiff[1] === 0x49) bigEndian = false;
  else if (tiff[0] === 0x4d && tiff[1] === 0x4d) bigEndian = true;
  else return 1;
  if (u16(tiff, 2, bigEndian) !== 42) return 1;
  const ifd = u32(tiff, 4, bigEndian);
  if (ifd < 8 || ifd > tiff.length - 2) return 1;
  let offset = ifd;
  const entries = u16(tiff, offset, bigEndian);
  offset += 2;
  for (let i = 0; i < entries && offset <= tiff.length - 12; i++, offset += 12) {
    if (u16(tiff, offset, bigEndian) !== ORIENTATION_TAG) continue;
    const type = u16(tiff, offset + 2, bigEndian);
    if (u32(tiff, offset + 4, bigEndian) < 1) return 1;
    // SHORT as the standard says; LONG from sloppy writers. Both sit in the entry's 4-byte value field.
    const value = type === 3 ? u16(tiff, offset + 8, bigEndian) : type === 4 ? u32(tiff, offset + 8, bigEndian) : 1;
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The orientation of a JPEG file; 1 when it has none. */
export function jpegOrientation(data: Uint8Array): number {
  let offset = 2; // after SOI
  while (offset <= data.length - 4) {
    if (data[offset] !== 0xff) return 1;
    const marker = data[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // standalone markers carry no length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 1; // the metadata is over
    const length = (data[offset + 2]! << 8) | data[offset + 3]!;
    if (length < 2 || length > data.length - offset - 2) return 1;
    const segment = data.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xe1 && EXIF_HEADER.every((b, i) => segment[i] === b)) return orientationFromTiff(segment.subarray(6));
    offset += 2 + length;
  }
  return 1;
}

/** The upright size of a stored image. */
export function uprightSize(width: number, height: number, orientation: number): [number, number] {
  return orientation >= 5 && orientation <= 8 ? [height, width] : [width, height];
}

/** The upright pixels of a stored RGB image (ImageOrientation.Apply); orientation 1 or unknown returns it as it is. */
export function applyOrientation(image: Pixels, orientation: number): Pixels {
  if (orientation < 2 || orientation > 8 || image.channels !== 3) return image;
  const { width, height, data } = image;
  const [outWidth, outHeight] = uprightSize(width, height, orientation);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: [sx, sy] = [width - 1 - x, y]; break; // mirror
        case 3: [sx, sy] = [width - 1 - x, height - 1 - y]; break; // rotate 180
        case 4: [sx, sy] = [x, height - 1 - y]; break; // flip
        case 5: [sx, sy] = [y, x]; break; // transpose
        case 6: [sx, sy] = [y, height - 1 - x]; break; // rotate 90 clockwise
        case 7: [sx, sy] = [width - 1 - y, height - 1 - x]; break; // transverse
        default: [sx, sy] = [width - 1 - y, x]; break; // 8: rotate 90 counter-clockwise
      }
      const s = (sy * width + sx) * 3;
      const o = (y * outWidth + x) * 3;
      out[o] = data[s]!;
      out[o + 1] = data[s + 1]!;
      out[o + 2] = data[s + 2]!;
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels: 3 };
}
