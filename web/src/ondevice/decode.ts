/**
 * A photo file → upright pixels in the browser, as the server decodes it: only JPEG, PNG and still WebP (recognised
 * from the bytes, never the name or type). JPEGs go through the same library the server uses (libjpeg-turbo, as
 * WebAssembly: ./jpeg.ts), so their pixels are the server's exactly, large photos' DCT downscaling included. PNG and
 * WebP use the browser's decoder: EXIF orientation applied, colour profiles ignored (the server ignores them too),
 * transparency flattened on white.
 */
import { ImageFileError } from './errors';
import { decodeJpeg } from './jpeg';
import type { Pixels } from './preprocess';

export { ImageFileError } from './errors';

export type ImageKind = 'jpeg' | 'png' | 'webp';

/** The format from the first bytes (as ImageFormatDetector does), or null; animated WebP counts as unsupported. */
export function sniffImage(head: Uint8Array): ImageKind | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) {
    // VP8X with the animation flag: the server refuses animations.
    const animated = starts([0x56, 0x50, 0x38, 0x58], 12) && ((head[20] ?? 0) & 0x02) !== 0;
    return animated ? null : 'webp';
  }
  return null;
}

export interface DecodedPhoto {
  /** Upright pixels, possibly a reduced-scale decode. */
  pixels: Pixels;
  /** The upright size at full resolution (the resize and crop geometry comes from it). */
  fullSize: [number, number];
}

export interface DecodeSettings {
  maxPixels: number;
  /** JPEGs decode at a reduced DCT scale while their shorter side stays at least this (null: never). */
  jpegMinShortSide: number | null;
  /** The compiled TurboJPEG module. */
  jpegModule: () => Promise<WebAssembly.Module>;
}

/** Decodes `file`. Throws ImageFileError for files the server would refuse too. */
export async function decodePhoto(file: Blob, settings: DecodeSettings): Promise<DecodedPhoto> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = sniffImage(bytes.subarray(0, 32));
  if (kind === null) throw new ImageFileError('unsupported', 'The file is not a JPEG, PNG or still WebP image.');
  if (kind === 'jpeg') return decodeJpeg(bytes, await settings.jpegModule(), settings.maxPixels, settings.jpegMinShortSide);
  const pixels = await decodeWithBrowser(file, kind, settings.maxPixels);
  return { pixels, fullSize: [pixels.width, pixels.height] };
}

async function decodeWithBrowser(file: Blob, kind: ImageKind, maxPixels: number): Promise<Pixels> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new ImageFileError('corrupt', `The ${kind.toUpperCase()} file could not be decoded.`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > maxPixels) {
      throw new ImageFileError('too-many-pixels', `The image has ${width}x${height} pixels; at most ${maxPixels.toLocaleString('en')} are searched.`);
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true, alpha: false });
    if (!context) throw new Error('This browser gives no 2D canvas to read the photo with.');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0);
    return { data: context.getImageData(0, 0, width, height).data, width, height, channels: 4 };
  } finally {
    bitmap.close();
  }
}
