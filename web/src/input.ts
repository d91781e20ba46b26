/** Where a query photo comes from: file picker, camera, drag and drop, clipboard, or a URL. */

export type QueryInput = { kind: 'file'; file: File } | { kind: 'url'; url: string };

/** The first image file in a list (drops and pastes may carry other things too). */
export function firstImage(files: Iterable<File> | null | undefined): File | null {
  for (const file of files ?? []) {
    if (file.type.startsWith('image/') || file.type === '') return file;
  }
  return null;
}

/**
 * The file to search with: the first image, else the first file of any kind, so that a PDF chosen with "All files"
 * or dropped gets a clear "not an image" instead of nothing happening.
 */
export function fileToSearch(files: Iterable<File> | null | undefined): File | null {
  const list = Array.from(files ?? []);
  return firstImage(list) ?? list[0] ?? null;
}

/** An http(s) URL from dropped or pasted text (text/uri-list or plain text), or null. */
export function urlFromText(text: string | null | undefined): string | null {
  for (const line of (text ?? '').split(/\r?\n/)) {
    const candidate = line.trim();
    if (!candidate || candidate.startsWith('#')) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // Not a URL.
    }
    return null;
  }
  return null;
}

function fromDataTransfer(data: DataTransfer | null): QueryInput | null {
  if (!data) return null;
  const file = fileToSearch(Array.from(data.files));
  if (file) return { kind: 'file', file };
  const url = urlFromText(data.getData('text/uri-list') || data.getData('text/plain'));
  return url ? { kind: 'url', url } : null;
}

export interface InputElements {
  dropzone: HTMLElement;
  pickButton: HTMLButtonElement;
  cameraButton: HTMLButtonElement;
  fileInput: HTMLInputElement;
  cameraInput: HTMLInputElement;
  urlForm: HTMLFormElement;
  urlInput: HTMLInputElement;
}

/** Wires every input to one callback. */
export function wireInputs(el: InputElements, onQuery: (query: QueryInput) => void): void {
  el.pickButton.addEventListener('click', () => { el.fileInput.click(); });
  el.cameraButton.addEventListener('click', () => { el.cameraInput.click(); });
  for (const input of [el.fileInput, el.cameraInput]) {
    input.addEventListener('change', () => {
      const file = fileToSearch(input.files ? Array.from(input.files) : null);
      if (file) onQuery({ kind: 'file', file });
      input.value = '';
    });
  }

  el.urlForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const url = el.urlInput.value.trim();
    if (url) onQuery({ kind: 'url', url });
  });

  // Drops anywhere on the page count (and never navigate away); the drop zone shows it is the target.
  let depth = 0;
  document.addEventListener('dragenter', (event) => {
    event.preventDefault();
    depth++;
    el.dropzone.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) el.dropzone.classList.remove('dragging');
  });
  document.addEventListener('dragover', (event) => { event.preventDefault(); });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    depth = 0;
    el.dropzone.classList.remove('dragging');
    const query = fromDataTransfer(event.dataTransfer);
    if (query) onQuery(query);
  });

  // Paste an image anywhere; pasted text goes where it is typed, except a URL pasted outside any field.
  document.addEventListener('paste', (event) => {
    const data = event.clipboardData;
    const file = data ? firstImage(Array.from(data.files)) : null;
    if (file) {
      event.preventDefault();
      onQuery({ kind: 'file', file });
      return;
    }
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
    const url = typing ? null : urlFromText(data?.getData('text/plain'));
    if (url) {
      event.preventDefault();
      el.urlInput.value = url;
      onQuery({ kind: 'url', url });
    }
  });
}
