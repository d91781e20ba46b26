/**
 * A photo file → upright RGBA pixels in the browser, as the server decodes it: only JPEG, PNG and still WebP
 * (recognised from the bytes, never the name or type), EXIF orientation applied, colour profiles ignored (the server
 * does not apply them either), transparency flattened on white, and the same pixel limit.
 */
import type { Pixels } from './preprocess';

export type ImageKind = 'jpeg' | 'png' | 'webp';

/** Why a file cannot be used; describeError words these like the server's 415 and 422 answers. */
export class ImageFileError extends Error {
  constructor(
    readonly reason: 'unsupported' | 'corrupt' | 'too-many-pixels',
    message: string,
  ) {
    super(message);
    this.name = 'ImageFileError';
  }
}

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

/** Decodes `file` to RGBA on white. Throws ImageFileError for files the server would refuse too. */
export async function decodePhoto(file: Blob, maxPixels: number): Promise<Pixels> {
  const kind = sniffImage(new Uint8Array(await file.slice(0, 32).arrayBuffer()));
  if (kind === null) {
    throw new ImageFileError('unsupported', 'The file is not a JPEG, PNG or still WebP image.');
  }
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
    const image = context.getImageData(0, 0, width, height);
    return { data: image.data, width, height, channels: 4 };
  } finally {
    bitmap.close();
  }
}
