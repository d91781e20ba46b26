/**
 * JPEG decoding with libjpeg-turbo's TurboJPEG compiled to WebAssembly (@cwasm/jpeg-turbo), called exactly as the
 * server's JpegDecoder calls its native TurboJPEG: the same DCT-domain downscaling of large photos (the smallest of
 * 1/2, 1/4 and 1/8 whose shorter side stays at least `minShortSide`), RGB output, CMYK and YCCK converted the same way,
 * then the EXIF orientation. The pixels are the server's byte for byte, so the vector is too; the browser's own
 * decoder cannot scale in the DCT domain, and a full decode resized in floats gives a vector about 2% away.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- pixel loops over sizes checked on entry. */
import { ImageFileError } from './errors';
import { applyOrientation, jpegOrientation, uprightSize } from './exif';
import type { Pixels } from './preprocess';

/** The WebAssembly build's exports that the decoder calls. */
interface TurboJpegExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(pointer: number): void;
  tjInitDecompress(): number;
  tjDestroy(handle: number): number;
  tjDecompressHeader3(handle: number, source: number, size: number, width: number, height: number, subsampling: number, colorspace: number): number;
  tjDecompress2(handle: number, source: number, size: number, destination: number, width: number, pitch: number, height: number, pixelFormat: number, flags: number): number;
}

const TJPF_RGB = 0;
const TJPF_CMYK = 11;
const TJCS_CMYK = 3;
const TJCS_YCCK = 4;
/** At most 500 progressive scans, against hostile files (the server's flag; older builds ignore it). */
const TJFLAG_LIMITSCANS = 32768;

class LibJpegError extends Error {}

/** The imports the build needs: libjpeg's error exits become exceptions; no file system, no environment. */
function imports(): WebAssembly.Imports {
  const unavailable = () => { throw new LibJpegError('a system call that decoding never needs'); };
  return {
    env: {
      setjmp: () => 0,
      longjmp: () => { throw new LibJpegError('libjpeg refused the data'); },
    },
    wasi_snapshot_preview1: {
      environ_sizes_get: () => 0,
      environ_get: unavailable,
      proc_exit: unavailable,
      fd_close: unavailable,
      fd_seek: unavailable,
      fd_write: unavailable,
    },
  };
}

/** JpegDecoder.ScaledSize: the smallest of 1/2, 1/4, 1/8 (TurboJPEG rounds up) keeping the shorter side ≥ minShortSide. */
export function scaledSize(width: number, height: number, minShortSide: number | null): [number, number] {
  let best: [number, number] = [width, height];
  if (minShortSide === null) return best;
  for (const denominator of [2, 4, 8]) {
    const w = Math.ceil(width / denominator);
    const h = Math.ceil(height / denominator);
    if (Math.min(w, h) >= minShortSide && w * h < best[0] * best[1]) best = [w, h];
  }
  return best;
}

export interface DecodedJpeg {
  /** Upright pixels, possibly at a reduced scale. */
  pixels: Pixels;
  /** The upright size at full resolution, which the resize and crop geometry comes from. */
  fullSize: [number, number];
}

/**
 * Decodes a JPEG file with a fresh instance of `module` (so a file that makes libjpeg give up leaves nothing behind).
 * Throws ImageFileError: 'too-many-pixels' before decoding, 'corrupt' when libjpeg refuses the data. Like the server,
 * libjpeg's warnings (extraneous bytes...) are tolerated; unlike it, a premature end of data is too (this build does
 * not say which warning it met), and the missing rows decode grey.
 */
export async function decodeJpeg(bytes: Uint8Array, module: WebAssembly.Module, maxPixels: number, minShortSide: number | null): Promise<DecodedJpeg> {
  const instance = await WebAssembly.instantiate(module, imports());
  const lib = instance.exports as unknown as TurboJpegExports;
  const allocate = (size: number) => {
    const pointer = lib.malloc(size);
    if (pointer === 0) throw new ImageFileError('too-many-pixels', 'The photo is too large to decode in this browser.');
    return pointer;
  };
  try {
    const source = allocate(bytes.length);
    new Uint8Array(lib.memory.buffer, source, bytes.length).set(bytes);
    const handle = lib.tjInitDecompress();
    if (handle === 0) throw new LibJpegError('TurboJPEG could not start');
    const header = allocate(16);
    if (lib.tjDecompressHeader3(handle, source, bytes.length, header, header + 4, header + 8, header + 12) !== 0) {
      throw new ImageFileError('corrupt', 'The JPEG header is unreadable.');
    }
    const [width, height, , colorspace] = new Int32Array(lib.memory.buffer, header, 4) as unknown as [number, number, number, number];
    if (width <= 0 || height <= 0) throw new ImageFileError('corrupt', `The JPEG header declares an empty image (${width}x${height}).`);
    if (width * height > maxPixels) {
      throw new ImageFileError('too-many-pixels', `The image has ${width}x${height} pixels; at most ${maxPixels.toLocaleString('en')} are searched.`);
    }

    const [w, h] = scaledSize(width, height, minShortSide);
    const cmyk = colorspace === TJCS_CMYK || colorspace === TJCS_YCCK;
    const channels = cmyk ? 4 : 3;
    const destination = allocate(w * h * channels);
    // A non-zero status without an exception is a warning: the pixels are there.
    lib.tjDecompress2(handle, source, bytes.length, destination, w, w * channels, h, cmyk ? TJPF_CMYK : TJPF_RGB, TJFLAG_LIMITSCANS);
    const decoded = new Uint8Array(lib.memory.buffer, destination, w * h * channels);
    const rgb = new Uint8Array(w * h * 3);
    if (cmyk) {
      // Adobe writers store CMYK inverted: R = C·K/255 (JpegDecoder.DecodeCmyk).
      for (let i = 0, o = 0; i < decoded.length; i += 4, o += 3) {
        const k = decoded[i + 3]!;
        rgb[o] = Math.trunc((decoded[i]! * k + 127) / 255);
        rgb[o + 1] = Math.trunc((decoded[i + 1]! * k + 127) / 255);
        rgb[o + 2] = Math.trunc((decoded[i + 2]! * k + 127) / 255);
      }
    } else {
      rgb.set(decoded);
    }
    const orientation = jpegOrientation(bytes);
    return {
      pixels: applyOrientation({ data: rgb, width: w, height: h, channels: 3 }, orientation),
      fullSize: uprightSize(width, height, orientation),
    };
  } catch (error) {
    if (error instanceof ImageFileError) throw error;
    throw new ImageFileError('corrupt', 'The JPEG data is corrupt or truncated.');
  }
}
