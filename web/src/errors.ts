/** Maps API problems, network failures and on-device failures to plain words and what to do next. */
import { ApiError } from './api';
import { ImageFileError } from './ondevice/errors';
import { OnDeviceUnavailableError } from './ondevice/embedder';
import { UnsupportedModelError } from './ondevice/model';

export interface FriendlyError {
  /** A short headline. */
  title: string;
  /** What happened and what to do next, in plain words. */
  message: string;
  /** The service's own detail, for the curious (may be empty). */
  detail: string;
  /** The same search may work if tried again (the service was unreachable, busy or failing): offer Retry. */
  retry?: boolean;
}

/** What can be searched: anything this browser can open as a picture is converted before it is sent. */
const unsupportedAdvice = 'Choose a photo: JPEG, PNG, WebP, GIF, or any picture this browser can open (HEIC on iPhones and Macs). Documents such as PDF or text files cannot be searched.';

const turnOff = 'Turn off "On-device" to search on the server instead (your photo is then uploaded), or try another browser.';

/** On-device failures: the photo could not be read here, or the model cannot run in this browser. */
function describeOnDevice(error: Error): FriendlyError | null {
  if (error instanceof ImageFileError) {
    switch (error.reason) {
      case 'unsupported':
        return { title: 'That file is not a supported image', message: unsupportedAdvice, detail: error.message };
      case 'too-many-pixels':
        return { title: 'The image has too many pixels', message: 'Resize the photo to a smaller resolution (for example 4000 pixels wide) and try again.', detail: error.message };
      case 'corrupt':
        return { title: 'The image could not be read', message: 'The file looks damaged or incomplete. Try another photo, or save this one again and search with the copy.', detail: error.message };
      case 'empty':
        return { title: 'The file is empty', message: 'It has no picture in it (0 bytes): the download or copy may not have finished. Choose the photo again.', detail: '' };
      case 'too-large':
        return { title: 'The file is too large', message: 'Choose a smaller photo (a few megabytes is plenty) or resize it, then try again.', detail: error.message };
    }
  }
  if (error instanceof OnDeviceUnavailableError || error instanceof UnsupportedModelError) {
    return { title: 'On-device search is not available', message: `This browser could not run the search model. ${turnOff}`, detail: error.message };
  }
  return null;
}

export function describeError(error: unknown): FriendlyError {
  const onDevice = error instanceof Error ? describeOnDevice(error) : null;
  if (onDevice) return onDevice;
  if (!(error instanceof ApiError)) {
    return {
      title: 'Something went wrong',
      message: 'The page hit an unexpected error. Reload the page and try again.',
      detail: error instanceof Error ? error.message : String(error),
    };
  }
  const detail = error.detail;
  const wait = error.retryAfterSeconds !== null ? `Wait ${error.retryAfterSeconds} seconds` : 'Wait a few seconds';
  const title = error.title.toLowerCase();
  switch (error.status) {
    case 0:
      return { title: 'Cannot reach the search service', message: 'Check your connection, then choose Retry. If it keeps happening, the service may be down for a moment.', detail: '', retry: true };
    case 400:
      if (title.includes('not allowed')) {
        return {
          title: 'That image address cannot be used',
          message: 'Only public http:// or https:// addresses can be searched, not private, local or internal ones. Use a public link, or save the image and upload it instead.',
          detail,
        };
      }
      if (title === 'no image' || title.startsWith('give either')) {
        return { title: 'No image to search with', message: 'Choose, drop or paste a photo, or enter an image URL, then search again.', detail };
      }
      return { title: 'The search was not accepted', message: 'The service did not accept this search. Try again with another photo; the details below say what it objected to.', detail };
    case 404:
      return { title: 'Product not found', message: 'That product is no longer in the catalog. Search again with a photo.', detail };
    case 413:
      return {
        title: 'The image is too large',
        message: 'Choose a smaller photo (a few megabytes is plenty) or resize it, then try again.',
        detail,
      };
    case 415:
      return { title: 'That file is not a supported image', message: unsupportedAdvice, detail };
    case 422:
      if (title.includes('large')) {
        return { title: 'The image has too many pixels', message: 'Resize the photo to a smaller resolution (for example 4000 pixels wide) and try again.', detail };
      }
      return { title: 'The image could not be read', message: 'The file looks damaged or incomplete. Try another photo, or save this one again and upload it.', detail };
    case 429:
      return { title: 'Too many searches', message: `You are searching faster than the service allows. ${wait} and choose Retry.`, detail, retry: true };
    case 502:
      return {
        title: 'The image URL could not be fetched',
        message: 'The site hosting the image did not give it to us. Check that the link opens an image in your browser, or save the image and upload it.',
        detail,
      };
    case 503:
      if (title.includes('model file changed')) {
        return { title: 'On-device search is not available right now', message: `The service is changing its search model. ${turnOff}`, detail };
      }
      return { title: 'The service is busy', message: `The service is busy or still starting up. ${wait} and choose Retry.`, detail, retry: true };
    case 504:
      return { title: 'The image URL took too long', message: 'The site hosting the image answered too slowly. Try again later, or save the image and upload it.', detail };
    default:
      if (error.status >= 500) {
        return { title: 'The service had a problem', message: 'Something failed on the server. Choose Retry in a moment; if it keeps happening, tell the site owner.', detail, retry: true };
      }
      return { title: error.title, message: 'The search did not work. Check your input and try again.', detail };
  }
}
