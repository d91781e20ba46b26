/** The page: wires the inputs, the store, the API client and the renderer together. */
import './style.css';
import { ApiClient, type SearchResponse, type SearchResult } from './api';
import { loadConfig } from './config';
import { describeError } from './errors';
import { wireInputs, type QueryInput } from './input';
import { OnDeviceEmbedder } from './ondevice/embedder';
import { readOnDevice, writeOnDevice } from './preferences';
import { Renderer, priceFormatter } from './render';
import type { SortOrder } from './results';
import { FETCH_TOP_K, Store, type QueryState } from './state';

function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing from index.html or is not a ${type.name}`);
  return node;
}

function parsePrice(value: string): number | null {
  if (value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : null;
}

async function start(): Promise<void> {
  const config = await loadConfig();
  const client = new ApiClient(config.apiBase || window.location.origin);
  const store = new Store();

  const threshold = byId('threshold', HTMLInputElement);
  const minPrice = byId('min-price', HTMLInputElement);
  const maxPrice = byId('max-price', HTMLInputElement);
  const sort = byId('sort', HTMLSelectElement);
  const limit = byId('limit', HTMLSelectElement);
  const resultsHeading = byId('results-heading', HTMLHeadingElement);
  const onDeviceToggle = byId('on-device', HTMLInputElement);
  const priceHelp = byId('price-help', HTMLElement);

  let inFlight: AbortController | null = null;

  // On-device mode: nothing of ONNX Runtime or the model loads until the toggle is on.
  const embedder = new OnDeviceEmbedder(client);
  /** Vectors of photos embedded here, so a refined search (other filters) does not embed again. */
  const vectors = new WeakMap<Blob, Float32Array>();

  /** Loads the on-device model (once) and says how that went beside the toggle. */
  async function prepareOnDevice(): Promise<void> {
    if (!embedder.ready) store.update({ onDeviceStatus: { text: 'Loading the on-device search model…', failed: false } });
    try {
      const { info } = await embedder.load();
      const size = info.bytes > 0 ? ` (${(info.bytes / 1e6).toFixed(1)} MB)` : '';
      store.update({ onDeviceStatus: { text: `Ready: the model${size} runs in this browser.`, failed: false } });
    } catch (error) {
      const friendly = describeError(error);
      store.update({ onDeviceStatus: { text: `${friendly.title}. ${friendly.message}`, failed: true } });
    }
  }

  /** The photo's vector, computed in this browser; `progress` says what is happening while it is the current search. */
  async function embedHere(file: Blob, progress: (text: string) => void): Promise<Float32Array> {
    const cached = vectors.get(file);
    if (cached) return cached;
    if (!embedder.ready) {
      progress('Loading the on-device search model…');
      await embedder.load();
      void prepareOnDevice();
    }
    progress('Computing the photo\'s numbers on this device…');
    const vector = await embedder.embed(file);
    vectors.set(file, vector);
    return vector;
  }

  /** Runs the current query again with the current category and price filters (they apply inside the search). */
  async function run(query: QueryState): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    store.update({ query, loading: true, progress: null, error: null });
    const { filters } = store.get();
    const options = {
      topK: FETCH_TOP_K,
      threshold: 0,
      categories: [...filters.categories],
      minPrice: filters.minPrice,
      maxPrice: filters.maxPrice,
      signal: controller.signal,
    };
    const progress = (text: string) => { if (inFlight === controller) store.update({ progress: text }); };
    try {
      let response: SearchResponse;
      if (query.kind === 'similar') {
        response = await client.similar(query.id, FETCH_TOP_K, 0, controller.signal);
      } else if (query.kind === 'file' && query.onDevice) {
        // The photo stays here: only its vector is sent.
        const vector = await embedHere(query.file, progress);
        if (controller.signal.aborted) return;
        progress('Searching…');
        response = await client.searchVector(vector, options);
      } else {
        response = await client.search(
          query.kind === 'file' ? { kind: 'file', file: query.file, name: query.name } : { kind: 'url', url: query.url },
          options,
        );
      }
      if (inFlight === controller) store.update({ results: response.results, tookMs: response.took_ms, loading: false, progress: null });
    } catch (error) {
      if (controller.signal.aborted) return;
      store.update({ results: [], loading: false, progress: null, error: describeError(error) });
    }
  }

  function search(input: QueryInput): void {
    const previous = store.get().query;
    if (previous?.kind === 'file') URL.revokeObjectURL(previous.previewUrl);
    const query: QueryState = input.kind === 'file'
      ? { kind: 'file', file: input.file, name: input.file.name || 'pasted image', previewUrl: URL.createObjectURL(input.file), onDevice: store.get().onDevice }
      : { kind: 'url', url: input.url };
    void run(query);
  }

  let refetchTimer: number | undefined;
  /** Category and price changes filter at once, then fetch again (debounced) so the filters apply inside the search. */
  function refetchSoon(): void {
    window.clearTimeout(refetchTimer);
    refetchTimer = window.setTimeout(() => {
      const query = store.get().query;
      if (query && query.kind !== 'similar') void run(query);
    }, 400);
  }

  const renderer = new Renderer(
    {
      grid: byId('grid', HTMLUListElement),
      status: byId('status', HTMLElement),
      error: byId('error', HTMLElement),
      empty: byId('empty', HTMLElement),
      categories: byId('categories', HTMLElement),
      preview: byId('query-preview', HTMLElement),
      previewImage: byId('query-image', HTMLImageElement),
      previewCaption: byId('query-caption', HTMLElement),
      thresholdOutput: byId('threshold-value', HTMLOutputElement),
      onDeviceToggle,
      onDeviceStatus: byId('on-device-status', HTMLElement),
      urlInput: byId('url-input', HTMLInputElement),
      urlNote: byId('url-note', HTMLElement),
    },
    {
      moreLikeThis(result: SearchResult) {
        const previous = store.get().query;
        if (previous?.kind === 'file') URL.revokeObjectURL(previous.previewUrl);
        resultsHeading.focus();
        void run({ kind: 'similar', id: result.id, name: result.name, imageUrl: client.url(result.image_src) });
      },
      setThreshold(value: number) {
        threshold.value = String(Math.round(value * 100));
        store.updateFilters({ threshold: value });
      },
      clearFilters() {
        minPrice.value = '';
        maxPrice.value = '';
        maxPrice.setAttribute('aria-invalid', 'false');
        priceHelp.textContent = '';
        store.updateFilters({ categories: new Set(), minPrice: null, maxPrice: null });
        refetchSoon();
      },
      toggleCategory(category: string) {
        const categories = new Set(store.get().filters.categories);
        if (!categories.delete(category)) categories.add(category);
        store.updateFilters({ categories });
        refetchSoon();
      },
    },
    { price: priceFormatter(config.currency), imageUrl: (src) => client.url(src) },
  );
  store.subscribe((state) => { renderer.render(state); });

  wireInputs(
    {
      dropzone: byId('dropzone', HTMLElement),
      pickButton: byId('pick-file', HTMLButtonElement),
      cameraButton: byId('take-photo', HTMLButtonElement),
      fileInput: byId('file-input', HTMLInputElement),
      cameraInput: byId('camera-input', HTMLInputElement),
      urlForm: byId('url-form', HTMLFormElement),
      urlInput: byId('url-input', HTMLInputElement),
    },
    search,
  );

  onDeviceToggle.addEventListener('change', () => {
    const on = onDeviceToggle.checked;
    writeOnDevice(on);
    store.update({ onDevice: on });
    if (on) void prepareOnDevice();
  });
  threshold.addEventListener('input', () => { store.updateFilters({ threshold: Number(threshold.value) / 100 }); });
  sort.addEventListener('change', () => { store.updateFilters({ sort: sort.value as SortOrder }); });
  limit.addEventListener('change', () => { store.updateFilters({ limit: Number(limit.value) }); });
  for (const input of [minPrice, maxPrice]) {
    input.addEventListener('input', () => {
      const range = { minPrice: parsePrice(minPrice.value), maxPrice: parsePrice(maxPrice.value) };
      // A range the wrong way round matches nothing: say so here instead of asking the service.
      const inverted = range.minPrice !== null && range.maxPrice !== null && range.minPrice > range.maxPrice;
      maxPrice.setAttribute('aria-invalid', String(inverted));
      priceHelp.textContent = inverted ? '"To" is below "From": no product can match.' : '';
      store.updateFilters(range);
      if (inverted) window.clearTimeout(refetchTimer);
      else refetchSoon();
    });
  }

  // The form's controls start from the state (a browser may restore old values on reload).
  const initial = store.get().filters;
  threshold.value = String(Math.round(initial.threshold * 100));
  sort.value = initial.sort;
  limit.value = String(initial.limit);
  minPrice.value = '';
  maxPrice.value = '';
  store.update({ onDevice: readOnDevice() });
  if (store.get().onDevice) void prepareOnDevice();
  renderer.render(store.get());

  try {
    const stats = await client.stats();
    store.update({ categories: [...stats.categories].sort((a, b) => a.localeCompare(b)) });
  } catch {
    // Without /stats there are no category chips; searching still works.
    byId('category-filter', HTMLElement).hidden = true;
  }
}

void start();
