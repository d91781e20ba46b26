/** Rendering: the state to the DOM. Text goes in with textContent, never as HTML. */
import type { Product, SearchResult } from './api';
import { confidenceOf } from './confidence';
import { formatRoute } from './route';
import type { RecentSearch } from './recent';
import { listResults, describeCounts, percent, type ResultList } from './results';
import { DEFAULT_THRESHOLD, type AppState } from './state';

export interface Elements {
  grid: HTMLUListElement;
  status: HTMLElement;
  progress: HTMLElement;
  uploadProgress: HTMLProgressElement;
  error: HTMLElement;
  empty: HTMLElement;
  showMore: HTMLButtonElement;
  end: HTMLElement;
  start: HTMLElement;
  recent: HTMLElement;
  recentList: HTMLUListElement;
  categories: HTMLElement;
  preview: HTMLElement;
  previewImage: HTMLImageElement;
  previewCaption: HTMLElement;
  cropControls: HTMLElement;
  thresholdOutput: HTMLOutputElement;
  onDeviceToggle: HTMLInputElement;
  onDeviceStatus: HTMLElement;
  urlInput: HTMLInputElement;
  urlNote: HTMLElement;
}

export interface Actions {
  moreLikeThis(result: SearchResult | Product): void;
  openProduct(result: SearchResult): void;
  setThreshold(threshold: number): void;
  clearFilters(): void;
  toggleCategory(category: string): void;
  retry(): void;
  openRecent(entry: RecentSearch): void;
}

export interface Formatters {
  price(value: number | null): string;
  imageUrl(src: string): string;
}

export function priceFormatter(currency?: string): (value: number | null) => string {
  const format = new Intl.NumberFormat(undefined, currency
    ? { style: 'currency', currency }
    : { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (value) => (value === null ? 'No price' : format.format(value));
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The words and colour for a score: a chip, with the whole sentence (and the number) for screen readers and hover. */
export function confidenceChip(score: number): HTMLSpanElement {
  const confidence = confidenceOf(score);
  const chip = element('span', `confidence ${confidence.level}`, confidence.words);
  chip.title = confidence.sentence;
  return chip;
}

/** The page's title for a state, so a tab, the history list and a bookmark say what the page shows. */
export function titleFor(state: AppState, list: ResultList): string {
  const query = state.query;
  if (query === null) return 'ImageSearch: find products that look like your photo';
  const what = query.kind === 'similar' ? `More like ${query.name}` : query.kind === 'url' ? 'Image URL search' : 'Photo search';
  if (state.loading) return `Searching… – ${what} – ImageSearch`;
  if (state.error && state.results.length === 0) return `${state.error.title} – ImageSearch`;
  const count = list.shown.length + list.overLimit;
  return `${count} ${count === 1 ? 'match' : 'matches'} – ${what} – ImageSearch`;
}

/** Cards are kept per result id, so that moving the slider reorders nodes instead of reloading images. */
export class Renderer {
  private cards = new Map<string, HTMLLIElement>();
  private cardsFor: SearchResult[] | null = null;

  constructor(
    private readonly el: Elements,
    private readonly actions: Actions,
    private readonly format: Formatters,
  ) {}

  render(state: AppState): ResultList {
    const list = listResults(state.results, state.filters);
    this.el.thresholdOutput.value = `${Math.round(state.filters.threshold * 100)}%`;
    this.renderOnDevice(state);
    this.renderQuery(state);
    this.renderCategories(state);
    this.renderError(state);
    this.renderResults(state, list);
    this.renderRecent(state);
    document.title = titleFor(state, list);
    return list;
  }

  private renderOnDevice(state: AppState): void {
    const { onDeviceToggle, onDeviceStatus, urlInput, urlNote } = this.el;
    onDeviceToggle.checked = state.onDevice;
    onDeviceStatus.textContent = state.onDevice ? state.onDeviceStatus.text : '';
    onDeviceStatus.classList.toggle('failed', state.onDevice && state.onDeviceStatus.failed);
    // URLs are searched on the server in either mode; in on-device mode the page says so beside the field.
    urlNote.hidden = !state.onDevice;
    if (state.onDevice) urlInput.setAttribute('aria-describedby', urlNote.id);
    else urlInput.removeAttribute('aria-describedby');
  }

  private renderQuery(state: AppState): void {
    const query = state.query;
    // An image URL is not shown until the service has fetched it: the browser itself must not fetch an address the
    // service refuses (a private or internal one), and a broken link must not leave a broken-image icon.
    const showUrl = query?.kind === 'url' && !state.loading && state.error === null;
    this.el.preview.hidden = query === null || (query.kind === 'url' && !showUrl);
    this.el.cropControls.hidden = query?.kind !== 'file';
    if (query === null || this.el.preview.hidden) return;
    const [src, caption] =
      query.kind === 'file' ? [query.previewUrl, query.crop ? 'Your photo (searching the part in the box)' : 'Your photo']
        : query.kind === 'url' ? [query.url, `Image from ${new URL(query.url).hostname}`]
          : [query.imageUrl, `More like: ${query.name}`];
    if (this.el.previewImage.getAttribute('src') !== src) {
      this.el.previewImage.hidden = false;
      this.el.previewImage.src = src;
    }
    this.el.previewImage.alt = caption;
    this.el.previewCaption.textContent = query.kind === 'file' && query.onDevice
      ? `${caption}, searched on this device: only numbers were sent`
      : caption;
  }

  private renderCategories(state: AppState): void {
    const container = this.el.categories;
    const wanted = state.categories.join('\n');
    if (container.dataset.categories !== wanted) {
      container.dataset.categories = wanted;
      container.replaceChildren(...state.categories.map((category) => {
        const chip = element('button', 'chip', category);
        chip.type = 'button';
        chip.dataset.category = category;
        chip.addEventListener('click', () => { this.actions.toggleCategory(category); });
        return chip;
      }));
    }
    for (const chip of container.querySelectorAll<HTMLButtonElement>('button[data-category]')) {
      chip.setAttribute('aria-pressed', String(state.filters.categories.has(chip.dataset.category ?? '')));
    }
  }

  private renderError(state: AppState): void {
    const error = state.error;
    this.el.error.hidden = error === null;
    if (error === null) {
      this.el.error.replaceChildren();
      return;
    }
    const children: HTMLElement[] = [element('strong', 'error-title', error.title), element('p', undefined, error.message)];
    if (state.results.length > 0) children.push(element('p', undefined, 'The results below are from your last search that worked.'));
    if (error.retry) {
      const retry = element('button', 'button', 'Retry');
      retry.type = 'button';
      retry.addEventListener('click', () => { this.actions.retry(); });
      children.push(retry);
    }
    if (error.detail) children.push(element('p', 'error-detail', `Details: ${error.detail}`));
    this.el.error.replaceChildren(...children);
  }

  private renderResults(state: AppState, list: ResultList): void {
    const { grid, status, empty, progress, uploadProgress, showMore, end, start } = this.el;
    grid.setAttribute('aria-busy', String(state.loading));
    start.hidden = state.query !== null;
    progress.hidden = !state.loading;
    if (state.uploaded === null) uploadProgress.removeAttribute('value');
    else uploadProgress.value = state.uploaded;
    if (state.loading) {
      status.textContent = state.progress ?? 'Searching…';
      empty.hidden = true;
      showMore.hidden = true;
      end.hidden = true;
      // Results of the previous search stay until the new ones come; a first search shows placeholders.
      if (state.results.length === 0) {
        grid.replaceChildren(...Array.from({ length: 6 }, () => element('li', 'card skeleton')));
        grid.querySelectorAll('li').forEach((li) => { li.setAttribute('aria-hidden', 'true'); });
      }
      return;
    }
    if (state.query === null || (state.error !== null && state.results.length === 0)) {
      status.textContent = state.query === null ? 'Choose, drop or paste a photo to find products that look like it.' : '';
      empty.hidden = true;
      showMore.hidden = true;
      end.hidden = true;
      grid.replaceChildren();
      return;
    }
    if (this.cardsFor !== state.results) {
      this.cards.clear();
      this.cardsFor = state.results;
    }
    const own = state.thresholdSource === 'user' && percent(state.filters.threshold) !== percent(DEFAULT_THRESHOLD)
      ? ` Your own setting: new photos start at ${percent(DEFAULT_THRESHOLD)}% unless you move the slider.` : '';
    status.textContent = describeCounts(list, state.filters.threshold) + own;
    grid.replaceChildren(...list.shown.map((result) => this.card(result)));
    showMore.hidden = list.overLimit === 0;
    showMore.textContent = `Show ${Math.min(list.overLimit, 20)} more`;
    end.hidden = list.shown.length === 0 || list.overLimit > 0;
    end.textContent = list.belowThreshold > 0
      ? `End of the matches at least ${percent(state.filters.threshold)}% likely. Lower the slider to see ${list.belowThreshold} less likely ${list.belowThreshold === 1 ? 'one' : 'ones'}.`
      : `End of the results: these are the ${list.shown.length} closest products the service returns for this search.`;
    this.renderEmpty(state, list);
  }

  private renderEmpty(state: AppState, list: ResultList): void {
    const { empty } = this.el;
    empty.hidden = list.shown.length > 0;
    if (list.shown.length > 0) return;
    const threshold = percent(state.filters.threshold);
    if (list.bestScore !== null && list.belowThreshold > 0) {
      const best = percent(list.bestScore);
      const button = element('button', 'button', `Show less likely matches (from ${best}%)`);
      button.type = 'button';
      button.addEventListener('click', () => { this.actions.setThreshold(best / 100); });
      empty.replaceChildren(
        element('p', 'empty-title', 'Nothing like this here, as far as the service can tell.'),
        element('p', undefined, `No product is at least ${threshold}% likely to be the kind in your photo; the closest is ${best}% likely. This shop may not sell it.`),
        button,
      );
    } else if (list.filteredOut > 0 || state.filters.categories.size > 0 || state.filters.minPrice !== null || state.filters.maxPrice !== null) {
      const button = element('button', 'button', 'Clear the category and price filters');
      button.type = 'button';
      button.addEventListener('click', () => { this.actions.clearFilters(); });
      empty.replaceChildren(element('p', undefined, 'No products match these filters.'), button);
    } else {
      empty.replaceChildren(element('p', undefined, 'No products found. Try another photo.'));
    }
  }

  private renderRecent(state: AppState): void {
    const { recent, recentList } = this.el;
    recent.hidden = state.recent.length === 0;
    const key = state.recent.map((r) => `${r.kind}:${r.id}:${r.at}`).join('\n');
    if (recentList.dataset.key === key) return;
    recentList.dataset.key = key;
    recentList.replaceChildren(...state.recent.map((entry) => {
      const li = element('li');
      const link = element('a', 'recent-item');
      const query = entry.kind === 'photo' ? { kind: 'photo' as const, id: entry.id }
        : entry.kind === 'url' ? { kind: 'url' as const, url: entry.id } : { kind: 'similar' as const, id: entry.id };
      link.href = formatRoute({ query, product: null, threshold: null, categories: [], minPrice: null, maxPrice: null, sort: 'score' }, DEFAULT_THRESHOLD) || '?';
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.actions.openRecent(entry);
      });
      if (entry.image) {
        const image = element('img');
        image.src = entry.image;
        image.alt = '';
        image.width = 56;
        image.height = 56;
        image.loading = 'lazy';
        link.append(image);
      }
      link.append(element('span', undefined, entry.label));
      li.append(link);
      return li;
    }));
  }

  private card(result: SearchResult): HTMLLIElement {
    const cached = this.cards.get(result.id);
    if (cached) return cached;
    const li = element('li', 'card');
    li.dataset.id = result.id;
    const article = element('article');
    const headingId = `result-${result.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    article.setAttribute('aria-labelledby', headingId);

    // The photo is decorative for screen readers (the heading names the product), and opens the product details.
    const image = element('img');
    image.src = this.format.imageUrl(result.image_src);
    image.alt = '';
    image.loading = 'lazy';
    image.decoding = 'async';
    image.width = 224;
    image.height = 224;
    image.addEventListener('click', () => { this.actions.openProduct(result); });

    const body = element('div', 'card-body');
    const name = element('h3', 'card-name');
    name.id = headingId;
    const link = element('a', 'card-link', result.name);
    link.href = formatRoute({ query: { kind: 'similar', id: result.id }, product: result.id, threshold: null, categories: [], minPrice: null, maxPrice: null, sort: 'score' }, DEFAULT_THRESHOLD);
    link.title = result.name;
    link.addEventListener('click', (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.actions.openProduct(result);
    });
    name.append(link);
    const meta = element('p', 'card-meta');
    const category = element('span', 'card-category', result.category);
    category.title = result.category;
    meta.append(category, element('span', 'card-price', this.format.price(result.price)));

    const scoreLine = element('div', 'score');
    scoreLine.append(confidenceChip(result.score));
    const sr = element('span', 'visually-hidden', ` (${percent(result.score)}%)`);
    scoreLine.append(sr);

    const more = element('button', 'button more', 'More like this');
    more.type = 'button';
    more.setAttribute('aria-label', `More like this: ${result.name}`);
    more.addEventListener('click', () => { this.actions.moreLikeThis(result); });

    body.append(name, meta, scoreLine);
    if (result.same_product) body.append(element('p', 'same-product', 'Likely this very item'));
    body.append(more);
    article.append(image, body);
    li.append(article);
    this.cards.set(result.id, li);
    return li;
  }
}
