/** Why a photo cannot be used on this device; src/errors.ts words these like the server's 413, 415 and 422 answers. */
export class ImageFileError extends Error {
  constructor(
    readonly reason: 'unsupported' | 'corrupt' | 'too-many-pixels' | 'empty' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'ImageFileError';
  }
}
