/** The page: wires the inputs, the store, the router, the API client and the renderer together. */
import './style.css';
import { ApiClient, type Product, type SearchResponse, type SearchResult } from './api';
import { loadConfig } from './config';
import { CropBox } from './crop';
import { describeError, type FriendlyError } from './errors';
import { wireInputs, type QueryInput } from './input';
import { OnDeviceEmbedder } from './ondevice/embedder';
import { readOnDevice, writeOnDevice } from './preferences';
import { addRecent, clearRecent, findRecent, readRecent, type RecentSearch } from './recent';
import { Renderer, confidenceChip, priceFormatter } from './render';
import { listResults, percent, type SortOrder } from './results';
import { emptyRoute, formatRoute, parseRoute, type Route, type RouteQuery } from './route';
import { DEFAULT_THRESHOLD, FETCH_TOP_K, PAGE_SIZE, Store, thresholdForNewSearch, type QueryState } from './state';
import { preparePhoto, type Crop, type PreparedPhoto } from './upload';

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

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () => { resolve(typeof reader.result === 'string' ? reader.result : ''); });
    reader.addEventListener('error', () => { reject(reader.error ?? new Error('The photo could not be read.')); });
    reader.readAsDataURL(blob);
  });
}

/**
 * The photo a data: URL holds, decoded here rather than with fetch(): the page's Content-Security-Policy lets it
 * connect only to its own origin (connect-src 'self'), which a data: URL is not.
 */
function blobOfDataUrl(dataUrl: string): Blob {
  const comma = dataUrl.indexOf(',');
  const header = dataUrl.slice(0, comma);
  const type = /^data:([^;,]*)/.exec(header)?.[1] ?? '';
  const payload = dataUrl.slice(comma + 1);
  if (!header.endsWith(';base64')) return new Blob([decodeURIComponent(payload)], { type });
  const binary = atob(payload);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

function newPhotoId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

async function start(): Promise<void> {
  const config = await loadConfig();
  const client = new ApiClient(config.apiBase || window.location.origin);
  const store = new Store();
  store.update({ recent: readRecent() });

  const threshold = byId('threshold', HTMLInputElement);
  const minPrice = byId('min-price', HTMLInputElement);
  const maxPrice = byId('max-price', HTMLInputElement);
  const sort = byId('sort', HTMLSelectElement);
  const resultsHeading = byId('results-heading', HTMLHeadingElement);
  const onDeviceToggle = byId('on-device', HTMLInputElement);
  const onDeviceProgress = byId('on-device-progress', HTMLProgressElement);
  const priceHelp = byId('price-help', HTMLElement);
  const toResults = byId('to-results', HTMLButtonElement);
  const dialog = byId('product-details', HTMLDialogElement);

  let inFlight: AbortController | null = null;

  // On-device mode: nothing of ONNX Runtime or the model loads until the toggle is on.
  const embedder = new OnDeviceEmbedder(client);
  /** Vectors of photos embedded here, so a refined search (other filters) does not embed again. */
  const vectors = new WeakMap<Blob, Float32Array>();
  /** Photos made small (and cropped) for the search, per original file and crop. */
  const prepared = new WeakMap<Blob, { key: string; photo: PreparedPhoto }>();

  function modelProgress(loaded: number, total: number): void {
    onDeviceProgress.hidden = false;
    onDeviceProgress.value = loaded / total;
    // The runtime (2.8 MB compressed) comes next, as one file the browser fetches itself: no progress to show.
    const text = loaded < total
      ? `Downloading the search model: ${megabytes(loaded)} of ${megabytes(total)} MB…`
      : 'Model downloaded; starting its runtime (2.8 MB the first time)…';
    store.update({ onDeviceStatus: { text, failed: false } });
  }

  /** Loads the on-device model (once) and says how that went beside the toggle. */
  async function prepareOnDevice(): Promise<void> {
    if (!embedder.ready) store.update({ onDeviceStatus: { text: 'Loading the on-device search model…', failed: false } });
    try {
      const { info } = await embedder.load(modelProgress);
      const size = info.bytes > 0 ? ` (${megabytes(info.bytes)} MB)` : '';
      store.update({ onDeviceStatus: { text: `Ready: the model${size} runs in this browser.`, failed: false } });
    } catch (error) {
      const friendly = describeError(error);
      store.update({ onDeviceStatus: { text: `${friendly.title}. ${friendly.message}`, failed: true } });
    } finally {
      onDeviceProgress.hidden = true;
    }
  }

  async function prepare(file: Blob, crop: Crop | null): Promise<PreparedPhoto> {
    const key = JSON.stringify(crop);
    const cached = prepared.get(file);
    if (cached?.key === key) return cached.photo;
    const photo = await preparePhoto(file, crop);
    prepared.set(file, { key, photo });
    return photo;
  }

  /** The photo's vector, computed in this browser; `progress` says what is happening while it is the current search. */
  async function embedHere(file: Blob, progress: (text: string) => void): Promise<Float32Array> {
    const cached = vectors.get(file);
    if (cached) return cached;
    if (!embedder.ready) {
      progress('Loading the on-device search model…');
      await embedder.load(modelProgress);
      void prepareOnDevice();
    }
    progress('Reading the photo on this device…');
    const vector = await embedder.embed(file);
    vectors.set(file, vector);
    return vector;
  }

  /** Brings the results (or the message) into view and moves focus there, so a phone user sees what happened. */
  function showResultsArea(): void {
    toResults.hidden = true;
    resultsHeading.focus({ preventScroll: true });
    resultsHeading.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
  }

  /** After a filter or slider change on a phone: the results are below; a button says how many and goes there. */
  function offerResults(): void {
    const top = resultsHeading.getBoundingClientRect().top;
    if (top < window.innerHeight - 40) {
      toResults.hidden = true;
      return;
    }
    const state = store.get();
    const list = listResults(state.results, state.filters);
    const count = list.shown.length + list.overLimit;
    toResults.textContent = state.loading ? 'Show results ↓' : `Show ${count} ${count === 1 ? 'match' : 'matches'} ↓`;
    toResults.hidden = false;
  }

  /** Runs a query with the current category and price filters (they apply inside the search). */
  async function run(query: QueryState, options: { reveal: boolean } = { reveal: true }): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    store.update({ query, loading: true, progress: null, uploaded: null, error: null });
    const { filters } = store.get();
    const searchOptions = {
      topK: FETCH_TOP_K,
      threshold: 0,
      categories: [...filters.categories],
      minPrice: filters.minPrice,
      maxPrice: filters.maxPrice,
      signal: controller.signal,
    };
    const current = () => inFlight === controller;
    const stopped = () => controller.signal.aborted;
    const progress = (text: string) => { if (current()) store.update({ progress: text }); };
    try {
      let response: SearchResponse;
      if (query.kind === 'similar') {
        response = await client.similar(query.id, FETCH_TOP_K, 0, controller.signal);
      } else if (query.kind === 'file') {
        progress('Preparing your photo…');
        const photo = await prepare(query.file, query.crop);
        if (stopped()) return;
        if (query.onDevice) {
          // The photo stays here: only its vector is sent.
          const vector = await embedHere(photo.blob, progress);
          if (stopped()) return;
          progress('Searching…');
          response = await client.searchVector(vector, searchOptions);
        } else {
          const size = `${Math.max(1, Math.round(photo.blob.size / 1000))} kB`;
          progress(`Sending your photo (${size})…`);
          response = await client.search({ kind: 'file', file: photo.blob, name: 'photo.jpg' }, {
            ...searchOptions,
            onUploadProgress: (sent, total) => {
              if (!current()) return;
              store.update({ uploaded: sent / total, progress: sent < total ? `Sending your photo: ${Math.round((100 * sent) / total)}% of ${size}…` : 'Searching…' });
            },
          });
        }
        void remember(query, photo);
      } else {
        response = await client.search({ kind: 'url', url: query.url }, searchOptions);
      }
      if (!current()) return;
      store.update({ results: response.results, tookMs: response.took_ms, loading: false, progress: null, uploaded: null });
      store.updateFilters({ limit: PAGE_SIZE });
      if (query.kind === 'url') void remember(query, null);
      if (query.kind === 'similar') void remember(query, null);
    } catch (error) {
      if (stopped()) return;
      // The results on screen stay (a failed refresh must not wipe what the shopper was looking at).
      store.update({ loading: false, progress: null, uploaded: null, error: describeError(error) });
    }
    if (options.reveal && current()) showResultsArea();
  }

  function cancel(): void {
    if (!store.get().loading) return;
    inFlight?.abort();
    inFlight = null;
    const cancelled: FriendlyError = { title: 'Search cancelled', message: 'Nothing more is sent. Choose Retry to search again, or choose another photo.', detail: '', retry: true };
    store.update({ loading: false, progress: null, uploaded: null, error: cancelled });
  }

  async function remember(query: QueryState, photo: PreparedPhoto | null): Promise<void> {
    let entry: RecentSearch | null = null;
    const at = Date.now();
    const time = new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
    if (query.kind === 'file' && photo) {
      if (findRecent('photo', query.recentId)) return;
      entry = { id: query.recentId, kind: 'photo', label: `${query.crop ? 'Part of a photo' : 'Photo'}, ${time}`, image: await dataUrlOf(photo.blob), at };
    } else if (query.kind === 'url') {
      entry = { id: query.url, kind: 'url', label: `Image from ${new URL(query.url).hostname}, ${time}`, image: '', at };
    } else if (query.kind === 'similar') {
      entry = { id: query.id, kind: 'similar', label: `More like: ${query.name}`, image: query.imageUrl, at };
    }
    if (entry) store.update({ recent: addRecent(entry) });
  }

  // ---- History: every state has a URL ----

  function routeQuery(query: QueryState | null): RouteQuery | null {
    if (query === null) return null;
    if (query.kind === 'file') return { kind: 'photo', id: query.recentId };
    if (query.kind === 'url') return { kind: 'url', url: query.url };
    return { kind: 'similar', id: query.id };
  }

  function currentRoute(): Route {
    const state = store.get();
    const { filters } = state;
    return {
      query: routeQuery(state.query),
      product: state.product?.id ?? null,
      threshold: state.thresholdSource === 'default' ? null : filters.threshold,
      categories: [...filters.categories],
      minPrice: filters.minPrice,
      maxPrice: filters.maxPrice,
      sort: filters.sort,
    };
  }

  /** Writes the state to the address bar: a new entry for a new search or product, the same entry for a refinement. */
  function navigate(mode: 'push' | 'replace'): void {
    const search = formatRoute(currentRoute(), DEFAULT_THRESHOLD);
    if (search === window.location.search) return;
    const url = `${window.location.pathname}${search}${window.location.hash}`;
    if (mode === 'push') history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  function sameQuery(a: RouteQuery | null, b: RouteQuery | null): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function syncControls(): void {
    const { filters } = store.get();
    threshold.value = String(percent(filters.threshold));
    sort.value = filters.sort;
    minPrice.value = filters.minPrice === null ? '' : String(filters.minPrice);
    maxPrice.value = filters.maxPrice === null ? '' : String(filters.maxPrice);
  }

  async function queryFromRoute(route: RouteQuery): Promise<QueryState | FriendlyError> {
    if (route.kind === 'url') return { kind: 'url', url: route.url };
    if (route.kind === 'photo') {
      const entry = findRecent('photo', route.id);
      if (!entry) {
        return { title: 'That photo is not in this browser', message: 'Photo searches are kept only in the browser they were made in, until you clear them. Choose the photo again.', detail: '' };
      }
      const file = blobOfDataUrl(entry.image);
      return { kind: 'file', file, name: entry.label, previewUrl: entry.image, onDevice: store.get().onDevice, recentId: route.id, crop: null };
    }
    const known = store.get().results.find((r) => r.id === route.id) ?? (store.get().product?.id === route.id ? store.get().product : null);
    try {
      const product = known ?? await client.product(route.id);
      return { kind: 'similar', id: product.id, name: product.name, imageUrl: client.url(product.image_src) };
    } catch (error) {
      return describeError(error);
    }
  }

  /** Shows what a URL describes (on load, Back and Forward). */
  async function applyRoute(route: Route): Promise<void> {
    const state = store.get();
    const sameSearch = sameQuery(route.query, routeQuery(state.query));
    const filtersChanged = JSON.stringify([...state.filters.categories]) !== JSON.stringify(route.categories)
      || state.filters.minPrice !== route.minPrice || state.filters.maxPrice !== route.maxPrice;
    store.update({ thresholdSource: route.threshold === null ? 'default' : 'user' });
    store.updateFilters({
      threshold: route.threshold ?? DEFAULT_THRESHOLD,
      categories: new Set(route.categories),
      minPrice: route.minPrice,
      maxPrice: route.maxPrice,
      sort: route.sort,
    });
    syncControls();
    if (!sameSearch) {
      if (route.query === null) {
        inFlight?.abort();
        store.update({ query: null, results: [], error: null, loading: false });
      } else {
        const query = await queryFromRoute(route.query);
        if ('title' in query) store.update({ query: null, results: [], error: query, loading: false });
        else void run(query, { reveal: false });
      }
    } else if (filtersChanged && state.query && state.query.kind !== 'similar') {
      void run(state.query, { reveal: false });
    }
    await showProduct(route.product);
  }

  // ---- The product details ----

  let productOpenedHere = false;

  async function showProduct(id: string | null): Promise<void> {
    if (id === null) {
      store.update({ product: null });
      if (dialog.open) dialog.close();
      return;
    }
    let product: Product | null = store.get().results.find((r) => r.id === id) ?? null;
    try {
      product ??= await client.product(id);
    } catch (error) {
      store.update({ error: describeError(error) });
      return;
    }
    store.update({ product });
    renderProduct(product);
    if (!dialog.open) dialog.showModal();
  }

  function renderProduct(product: Product): void {
    const image = byId('product-image', HTMLImageElement);
    image.src = client.url(product.image_src);
    image.alt = '';
    byId('product-name', HTMLElement).textContent = product.name;
    byId('product-category', HTMLElement).textContent = product.category;
    byId('product-price', HTMLElement).textContent = price(product.price);
    const confidence = byId('product-confidence', HTMLElement);
    const scored = store.get().results.find((r) => r.id === product.id);
    confidence.replaceChildren(...(scored ? [confidenceChip(scored.score)] : []));
    const link = byId('product-link', HTMLAnchorElement);
    const shop = product.url && /^https?:\/\//i.test(product.url) ? product.url : null;
    link.hidden = shop === null;
    if (shop) link.href = shop;
  }

  function openProduct(result: SearchResult | Product): void {
    productOpenedHere = true;
    void showProduct(result.id).then(() => { navigate('push'); });
  }

  function closeProduct(): void {
    if (!store.get().product) return;
    if (productOpenedHere && history.state === null) {
      productOpenedHere = false;
      history.back();
      return;
    }
    store.update({ product: null });
    if (dialog.open) dialog.close();
    navigate('replace');
  }

  // ---- Searching ----

  /** A new search started by the user: the threshold starts at the default again unless they set it themselves. */
  function startSearch(query: QueryState): void {
    const { filters, thresholdSource } = store.get();
    const next = thresholdForNewSearch(filters.threshold, thresholdSource);
    store.update({ thresholdSource: next.source, product: null, cropping: false });
    store.updateFilters({ threshold: next.threshold });
    syncControls();
    if (dialog.open) dialog.close();
    cropBox.stop();
    void run(query);
    navigate('push');
  }

  function search(input: QueryInput): void {
    const query: QueryState = input.kind === 'file'
      ? { kind: 'file', file: input.file, name: input.file.name || 'pasted image', previewUrl: URL.createObjectURL(input.file), onDevice: store.get().onDevice, recentId: newPhotoId(), crop: null }
      : { kind: 'url', url: input.url };
    startSearch(query);
  }

  function moreLikeThis(result: SearchResult | Product): void {
    startSearch({ kind: 'similar', id: result.id, name: result.name, imageUrl: client.url(result.image_src) });
  }

  let refetchTimer: number | undefined;
  /** Category and price changes filter at once, then fetch again (debounced) so the filters apply inside the search. */
  function refetchSoon(): void {
    window.clearTimeout(refetchTimer);
    navigate('replace');
    offerResults();
    refetchTimer = window.setTimeout(() => {
      const query = store.get().query;
      if (query && query.kind !== 'similar') void run(query, { reveal: false });
    }, 400);
  }

  const price = priceFormatter(config.currency);
  const renderer = new Renderer(
    {
      grid: byId('grid', HTMLUListElement),
      status: byId('status', HTMLElement),
      progress: byId('progress', HTMLElement),
      uploadProgress: byId('upload-progress', HTMLProgressElement),
      error: byId('error', HTMLElement),
      empty: byId('empty', HTMLElement),
      showMore: byId('show-more', HTMLButtonElement),
      end: byId('end', HTMLElement),
      start: byId('start', HTMLElement),
      recent: byId('recent', HTMLElement),
      recentList: byId('recent-list', HTMLUListElement),
      categories: byId('categories', HTMLElement),
      preview: byId('query-preview', HTMLElement),
      previewImage: byId('query-image', HTMLImageElement),
      previewCaption: byId('query-caption', HTMLElement),
      cropControls: byId('crop-controls', HTMLElement),
      thresholdOutput: byId('threshold-value', HTMLOutputElement),
      onDeviceToggle,
      onDeviceStatus: byId('on-device-status', HTMLElement),
      urlInput: byId('url-input', HTMLInputElement),
      urlNote: byId('url-note', HTMLElement),
    },
    {
      moreLikeThis,
      openProduct,
      setThreshold(value: number) {
        store.update({ thresholdSource: 'suggested' });
        store.updateFilters({ threshold: value });
        syncControls();
        navigate('replace');
      },
      clearFilters() {
        maxPrice.setAttribute('aria-invalid', 'false');
        priceHelp.textContent = '';
        store.updateFilters({ categories: new Set(), minPrice: null, maxPrice: null });
        syncControls();
        refetchSoon();
      },
      toggleCategory(category: string) {
        const categories = new Set(store.get().filters.categories);
        if (!categories.delete(category)) categories.add(category);
        store.updateFilters({ categories });
        refetchSoon();
      },
      retry() {
        const query = store.get().query;
        if (query) void run(query);
      },
      openRecent(entry: RecentSearch) {
        const route = entry.kind === 'photo' ? { kind: 'photo' as const, id: entry.id }
          : entry.kind === 'url' ? { kind: 'url' as const, url: entry.id } : { kind: 'similar' as const, id: entry.id };
        void queryFromRoute(route).then((query) => {
          if ('title' in query) store.update({ error: query });
          else startSearch(query);
        });
      },
    },
    { price, imageUrl: (src) => client.url(src) },
  );
  store.subscribe((state) => { renderer.render(state); });

  // ---- Crop ----
  const cropBox = new CropBox(byId('crop-area', HTMLElement), byId('crop-box', HTMLElement));
  const cropStart = byId('crop-start', HTMLButtonElement);
  const cropSearch = byId('crop-search', HTMLButtonElement);
  const cropWhole = byId('crop-whole', HTMLButtonElement);
  const cropHelp = byId('crop-help', HTMLElement);
  function showCropControls(cropping: boolean): void {
    const query = store.get().query;
    cropStart.hidden = cropping;
    cropSearch.hidden = !cropping;
    cropHelp.hidden = !cropping;
    cropWhole.hidden = !(query?.kind === 'file' && (cropping || query.crop !== null));
  }
  cropStart.addEventListener('click', () => {
    const query = store.get().query;
    cropBox.start(query?.kind === 'file' ? query.crop : null);
    showCropControls(true);
  });
  cropSearch.addEventListener('click', () => {
    const query = store.get().query;
    if (query?.kind !== 'file') return;
    const crop = cropBox.value();
    cropBox.stop();
    showCropControls(false);
    startSearch({ ...query, crop, recentId: newPhotoId() });
  });
  cropWhole.addEventListener('click', () => {
    const query = store.get().query;
    cropBox.stop();
    showCropControls(false);
    if (query?.kind === 'file' && query.crop !== null) startSearch({ ...query, crop: null, recentId: newPhotoId() });
  });
  store.subscribe((state, previous) => {
    if (state.query !== previous.query) {
      showCropControls(false);
      if (state.query?.kind === 'file' && state.query.crop) cropBox.show(state.query.crop);
      else cropBox.stop();
    }
  });

  // ---- Inputs ----
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

  byId('query-image', HTMLImageElement).addEventListener('error', (event) => {
    // A photo this browser cannot show (the search still says why, if it fails): no broken-image icon.
    (event.target as HTMLImageElement).hidden = true;
  });
  byId('cancel', HTMLButtonElement).addEventListener('click', cancel);
  byId('show-more', HTMLButtonElement).addEventListener('click', () => {
    const first = store.get().filters.limit;
    store.updateFilters({ limit: first + PAGE_SIZE });
    // Keep keyboard users where they were: on the first new card.
    document.querySelector<HTMLElement>(`#grid > li:nth-child(${first + 1}) .card-link`)?.focus();
  });
  byId('clear-recent', HTMLButtonElement).addEventListener('click', () => {
    clearRecent();
    store.update({ recent: [] });
  });
  toResults.addEventListener('click', showResultsArea);
  window.addEventListener('scroll', () => { if (!toResults.hidden) offerResults(); }, { passive: true });
  byId('product-close', HTMLButtonElement).addEventListener('click', closeProduct);
  byId('product-more', HTMLButtonElement).addEventListener('click', () => {
    const product = store.get().product;
    if (product) moreLikeThis(product);
  });
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    closeProduct();
  });
  dialog.addEventListener('click', (event) => { if (event.target === dialog) closeProduct(); });

  onDeviceToggle.addEventListener('change', () => {
    const on = onDeviceToggle.checked;
    writeOnDevice(on);
    store.update({ onDevice: on });
    if (on) void prepareOnDevice();
  });
  threshold.addEventListener('input', () => {
    store.update({ thresholdSource: 'user' });
    store.updateFilters({ threshold: Number(threshold.value) / 100, limit: PAGE_SIZE });
  });
  threshold.addEventListener('change', () => {
    navigate('replace');
    offerResults();
  });
  sort.addEventListener('change', () => {
    store.updateFilters({ sort: sort.value as SortOrder });
    navigate('replace');
    offerResults();
  });
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
  window.addEventListener('popstate', () => {
    productOpenedHere = false;
    void applyRoute(parseRoute(window.location.search));
  });

  // A switch turned on before the script was ready (a slow phone) counts, as does the remembered choice.
  const switchedEarly = onDeviceToggle.checked && !readOnDevice();
  if (switchedEarly) writeOnDevice(true);
  store.update({ onDevice: readOnDevice() || switchedEarly });
  if (store.get().onDevice) void prepareOnDevice();
  syncControls();
  renderer.render(store.get());
  const initial = parseRoute(window.location.search);
  if (JSON.stringify(initial) !== JSON.stringify(emptyRoute)) void applyRoute(initial);

  try {
    const stats = await client.stats();
    store.update({ categories: [...stats.categories].sort((a, b) => a.localeCompare(b)) });
  } catch {
    // Without /stats there are no category chips; searching still works.
    byId('category-filter', HTMLElement).hidden = true;
  }
}

void start();
