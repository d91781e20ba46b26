/**
 * The photo as it is searched: decoded by the browser (so GIF, BMP, HEIC where the browser reads them, and EXIF
 * orientation applied), cut to the user's crop box if there is one, and made small before it leaves the device — a
 * phone's 4032×3024 photo of 4 MB becomes about 683×512 and 50–150 kB. The service shrinks every photo to a shorter
 * side of 256 before the model sees it, so a shorter side of 512 loses nothing it uses (measured in docs/web.md:
 * the same top result as the original for ≥ 95% of the shared query photos). Small JPEG, PNG and WebP files without
 * a crop go as they are.
 */
import { sniffImage } from './ondevice/decode';
import { ImageFileError } from './ondevice/errors';

/** A region of the upright photo, as fractions of its width and height (0–1). */
export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The shorter side a photo is scaled to before upload: twice the 256 the service resizes to. */
export const UPLOAD_SHORT_SIDE = 512;
/** JPEG quality of the scaled photo. */
export const UPLOAD_QUALITY = 0.9;
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

/** Decodes, crops and scales `file` (see the module's summary); ImageFileError for files the browser cannot read. */
export async function preparePhoto(file: Blob, crop: Crop | null = null): Promise<PreparedPhoto> {
  if (file.size === 0) throw new ImageFileError('empty', 'The file is empty (0 bytes).');
  if (file.size > MAX_FILE_BYTES) throw new ImageFileError('too-large', `The file is ${(file.size / 1e6).toFixed(0)} MB.`);
  const kind = sniffImage(new Uint8Array(await file.slice(0, 32).arrayBuffer()));
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
    const whole = crop === null || isWholePhoto(crop);
    const region = whole ? { x: 0, y: 0, width: sourceWidth, height: sourceHeight } : cropPixels(crop, sourceWidth, sourceHeight);
    const [width, height] = scaledSize(region.width, region.height);
    if (whole && kind !== null && width === sourceWidth && height === sourceHeight && file.size <= SEND_AS_IS_BYTES) {
      return { blob: file, sourceWidth, sourceHeight, width, height, unchanged: true };
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('This browser gives no 2D canvas to scale the photo with.');
    // Transparent parts become white, as the service flattens them.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, region.x, region.y, region.width, region.height, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((done) => { canvas.toBlob(done, 'image/jpeg', UPLOAD_QUALITY); });
    if (!blob) throw new Error('This browser could not encode the scaled photo.');
    return { blob, sourceWidth, sourceHeight, width, height, unchanged: false };
  } finally {
    bitmap.close();
  }
}
