/** Settings the page keeps between visits (localStorage; a browser that refuses storage just forgets them). */

const ON_DEVICE_KEY = 'imagesearch.onDevice';

export function readOnDevice(storage: Pick<Storage, 'getItem'> | null = safeLocalStorage()): boolean {
  try {
    return storage?.getItem(ON_DEVICE_KEY) === '1';
  } catch {
    return false;
  }
}

export function writeOnDevice(value: boolean, storage: Pick<Storage, 'setItem'> | null = safeLocalStorage()): void {
  try {
    storage?.setItem(ON_DEVICE_KEY, value ? '1' : '0');
  } catch {
    // Storage full or refused (private mode): the choice lasts for this visit only.
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
