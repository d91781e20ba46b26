/**
 * The photo as it is searched, made small before it leaves the device and cut to the user's crop box if there is one.
 * A large JPEG is decoded as the service decodes it (libjpeg-turbo in WebAssembly, ./ondevice/jpeg.ts: 1/2, 1/4 or
 * 1/8 of its size in the DCT domain, the shorter side staying at least SERVER_JPEG_MIN_SHORT_SIDE, then the EXIF
 * orientation) and those very pixels are sent losslessly (WebP, else PNG): a phone's 4032×3024 photo of 4 MB becomes
 * 504×378 and a few hundred kB at most, and the search is the original's. Where that would be over SEND_AS_IS_BYTES,
 * and for crops, the photo goes as a JPEG at twice that size. Other formats (PNG, WebP, and GIF, BMP or HEIC where the
 * browser reads them) are decoded by the browser and scaled to a shorter side of UPLOAD_SHORT_SIDE (the service
 * resizes to 256 anyway). Small JPEG, PNG and WebP files without a crop go as they are. Measured in web/README.md.
 */
import { sniffImage } from './ondevice/decode';
import { ImageFileError } from './ondevice/errors';
import { decodeJpeg } from './ondevice/jpeg';
import { jpegModule } from './ondevice/jpeg-module';
import type { Pixels } from './ondevice/preprocess';

/** A region of the upright photo, as fractions of its width and height (0–1). */
export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The shorter side a photo that is not a JPEG is scaled to before upload: twice the 256 the service resizes to. */
export const UPLOAD_SHORT_SIDE = 512;
/** JPEG quality of a scaled or cropped photo sent. */
export const UPLOAD_QUALITY = 0.92;
/** JPEG quality of a large JPEG's service-sized pixels when they do not fit SEND_AS_IS_BYTES losslessly. */
export const FALLBACK_QUALITY = 0.97;
/** The service's `jpeg_min_short_side` (GET /model): JPEGs decode at a reduced DCT scale while their shorter side stays at least this. */
export const SERVER_JPEG_MIN_SHORT_SIDE = 320;
/** The service's pixel limit (ImageSearch:MaxPixels). */
export const MAX_PIXELS = 40_000_000;
/** A photo this small (and within UPLOAD_SHORT_SIDE, uncropped, JPEG/PNG/WebP) is sent unchanged. */
export const SEND_AS_IS_BYTES = 400_000;
/** The service's limit (ImageSearch:MaxUploadBytes); a larger file is not even decoded here. */
export const MAX_FILE_BYTES = 50_000_000;

/** The size a `width`×`height` image is scaled to: the shorter side at most `shortSide`, never enlarged. */
export function scaledSize(width: number, height: number, shortSide = UPLOAD_SHORT_SIDE): [number, number] {
  const short = Math.min(width, height);
  if (short <= shortSide) return [width, height];
  const scale = shortSide / short;
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

/** A crop as whole pixels of a `width`×`height` image, at least 1×1 and inside it. */
export function cropPixels(crop: Crop, width: number, height: number): { x: number; y: number; width: number; height: number } {
  const clamp = (v: number) => Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const x0 = Math.floor(clamp(crop.x) * width);
  const y0 = Math.floor(clamp(crop.y) * height);
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil(clamp(crop.x + crop.width) * width)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil(clamp(crop.y + crop.height) * height)));
  return { x: Math.min(x0, width - 1), y: Math.min(y0, height - 1), width: x1 - x0, height: y1 - y0 };
}

/** Whether a crop covers (nearly) the whole photo, so searching it is searching the photo. */
export function isWholePhoto(crop: Crop | null): boolean {
  return crop === null || (crop.x <= 0.005 && crop.y <= 0.005 && crop.width >= 0.99 && crop.height >= 0.99);
}

export interface PreparedPhoto {
  /** What is uploaded (or embedded on this device). */
  blob: Blob;
  /** The upright photo's size before scaling and cropping. */
  sourceWidth: number;
  sourceHeight: number;
  /** The prepared photo's size. */
  width: number;
  height: number;
  /** Whether `blob` is the file itself. */
  unchanged: boolean;
}

/** Decodes, crops and scales `file` (see the module's summary); ImageFileError for files that are no picture. */
export async function preparePhoto(file: Blob, crop: Crop | null = null): Promise<PreparedPhoto> {
  if (file.size === 0) throw new ImageFileError('empty', 'The file is empty (0 bytes).');
  if (file.size > MAX_FILE_BYTES) throw new ImageFileError('too-large', `The file is ${(file.size / 1e6).toFixed(0)} MB.`);
  const kind = sniffImage(new Uint8Array(await file.slice(0, 32).arrayBuffer()));
  const whole = crop === null || isWholePhoto(crop);
  if (kind === 'jpeg') {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const module = await jpegModule();
    if (whole) {
      // The very pixels the service decodes from the original, sent losslessly when that is small enough: the search
      // is then the original's, to the last digit.
      const { pixels, fullSize } = await decodeJpeg(bytes, module, MAX_PIXELS, SERVER_JPEG_MIN_SHORT_SIDE);
      const [sourceWidth, sourceHeight] = fullSize;
      const { width, height } = pixels;
      if (width === sourceWidth && height === sourceHeight && file.size <= SEND_AS_IS_BYTES) {
        return { blob: file, sourceWidth, sourceHeight, width, height, unchanged: true };
      }
      const canvas = canvasOf(pixels);
      const lossless = await losslessOf(canvas);
      if (lossless) return { blob: lossless, sourceWidth, sourceHeight, width, height, unchanged: false };
      // Too detailed for lossless within the limit: the same pixels as a JPEG of high quality. Its shorter side is
      // under twice the service's minimum (libjpeg scales by at most 1/8, which keeps it so within MAX_PIXELS), so
      // the service decodes it at full size, and what it sees differs from its decode of the original only by this
      // encoding's error.
      const region = { x: 0, y: 0, width, height };
      return { blob: await encode(canvas, region, width, height, FALLBACK_QUALITY), sourceWidth, sourceHeight, width, height, unchanged: false };
    }
    // A crop: decoded finer, so that the part keeps a shorter side of twice the service's minimum, and sent as JPEG.
    const wanted = 2 * SERVER_JPEG_MIN_SHORT_SIDE;
    const minShortSide = Math.ceil(wanted / Math.max(0.01, Math.min(crop.width, crop.height)));
    const { pixels, fullSize } = await decodeJpeg(bytes, module, MAX_PIXELS, minShortSide);
    const [sourceWidth, sourceHeight] = fullSize;
    const region = cropPixels(crop, pixels.width, pixels.height);
    const [width, height] = scaledSize(region.width, region.height, wanted);
    return { blob: await encode(canvasOf(pixels), region, width, height), sourceWidth, sourceHeight, width, height, unchanged: false };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw kind === null
      ? new ImageFileError('unsupported', 'This browser cannot read the file as an image.')
      : new ImageFileError('corrupt', `The ${kind.toUpperCase()} file could not be decoded.`);
  }
  try {
    const sourceWidth = bitmap.width;
    const sourceHeight = bitmap.height;
    const region = whole ? { x: 0, y: 0, width: sourceWidth, height: sourceHeight } : cropPixels(crop, sourceWidth, sourceHeight);
    const [width, height] = scaledSize(region.width, region.height);
    if (whole && kind !== null && width === sourceWidth && height === sourceHeight && file.size <= SEND_AS_IS_BYTES) {
      return { blob: file, sourceWidth, sourceHeight, width, height, unchanged: true };
    }
    return { blob: await encode(bitmap, region, width, height), sourceWidth, sourceHeight, width, height, unchanged: false };
  } finally {
    bitmap.close();
  }
}

/** The canvas as lossless WebP (or PNG where the browser writes no WebP), or null when that is over SEND_AS_IS_BYTES. */
async function losslessOf(canvas: HTMLCanvasElement): Promise<Blob | null> {
  // Chromium writes lossless WebP ('VP8L') at quality 1; anything else (lossy WebP, no WebP encoder) falls to PNG.
  for (const [type, quality] of [['image/webp', 1], ['image/png', undefined]] as const) {
    const blob = await new Promise<Blob | null>((done) => { canvas.toBlob(done, type, quality); });
    if (!blob || blob.size > SEND_AS_IS_BYTES) continue;
    if (blob.type === 'image/png') return blob;
    const head = new Uint8Array(await blob.slice(12, 16).arrayBuffer());
    if (String.fromCharCode(...head) === 'VP8L') return blob;
  }
  return null;
}

/** Decoded pixels on a canvas (RGB becomes RGBA). */
function canvasOf(pixels: Pixels): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser gives no 2D canvas to prepare the photo with.');
  const rgba = new ImageData(pixels.width, pixels.height);
  if (pixels.channels === 4) {
    rgba.data.set(pixels.data);
  } else {
    for (let i = 0, j = 0; i < pixels.data.length; i += 3, j += 4) {
      rgba.data[j] = pixels.data[i] ?? 0;
      rgba.data[j + 1] = pixels.data[i + 1] ?? 0;
      rgba.data[j + 2] = pixels.data[i + 2] ?? 0;
      rgba.data[j + 3] = 255;
    }
  }
  context.putImageData(rgba, 0, 0);
  return canvas;
}

/** `region` of `source`, scaled to width × height on white (the service flattens transparency on white), as JPEG. */
async function encode(source: CanvasImageSource, region: { x: number; y: number; width: number; height: number }, width: number, height: number, quality = UPLOAD_QUALITY): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('This browser gives no 2D canvas to prepare the photo with.');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, region.x, region.y, region.width, region.height, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((done) => { canvas.toBlob(done, 'image/jpeg', quality); });
  if (!blob) throw new Error('This browser could not encode the photo.');
  return blob;
}
