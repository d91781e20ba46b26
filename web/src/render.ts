/** Rendering: the state to the DOM. Text goes in with textContent, never as HTML. */
import type { SearchResult } from './api';
import { computeView, describeCounts, percent, type View } from './results';
import type { AppState } from './state';

export interface Elements {
  grid: HTMLUListElement;
  status: HTMLElement;
  error: HTMLElement;
  empty: HTMLElement;
  categories: HTMLElement;
  preview: HTMLElement;
  previewImage: HTMLImageElement;
  previewCaption: HTMLElement;
  thresholdOutput: HTMLOutputElement;
  onDeviceToggle: HTMLInputElement;
  onDeviceStatus: HTMLElement;
  urlInput: HTMLInputElement;
  urlNote: HTMLElement;
}

export interface Actions {
  moreLikeThis(result: SearchResult): void;
  setThreshold(threshold: number): void;
  clearFilters(): void;
  toggleCategory(category: string): void;
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

/** Cards are kept per result id, so that moving the slider reorders nodes instead of reloading images. */
export class Renderer {
  private cards = new Map<string, HTMLLIElement>();
  private cardsFor: SearchResult[] | null = null;

  constructor(
    private readonly el: Elements,
    private readonly actions: Actions,
    private readonly format: Formatters,
  ) {}

  render(state: AppState): View {
    const view = computeView(state.results, state.filters);
    this.el.thresholdOutput.value = `${Math.round(state.filters.threshold * 100)}%`;
    this.renderOnDevice(state);
    this.renderQuery(state);
    this.renderCategories(state);
    this.renderError(state);
    this.renderResults(state, view);
    return view;
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
    this.el.preview.hidden = query === null;
    if (query === null) return;
    const [src, caption] =
      query.kind === 'file' ? [query.previewUrl, `Your photo: ${query.name}`]
        : query.kind === 'url' ? [query.url, `Image from ${query.url}`]
          : [query.imageUrl, `More like: ${query.name}`];
    if (this.el.previewImage.getAttribute('src') !== src) this.el.previewImage.src = src;
    this.el.previewImage.alt = caption;
    this.el.previewCaption.textContent = query.kind === 'file' && query.onDevice
      ? `${caption} (searched on this device: only numbers were sent)`
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
    if (error.detail) children.push(element('p', 'error-detail', `Details: ${error.detail}`));
    this.el.error.replaceChildren(...children);
  }

  private renderResults(state: AppState, view: View): void {
    const { grid, status, empty } = this.el;
    grid.setAttribute('aria-busy', String(state.loading));
    if (state.loading) {
      status.textContent = state.progress ?? 'Searching…';
      empty.hidden = true;
      grid.replaceChildren(...Array.from({ length: 6 }, () => element('li', 'card skeleton')));
      grid.querySelectorAll('li').forEach((li) => { li.setAttribute('aria-hidden', 'true'); });
      return;
    }
    if (state.query === null || state.error !== null) {
      status.textContent = state.query === null ? 'Choose, drop or paste a photo to find products that look like it.' : '';
      empty.hidden = true;
      grid.replaceChildren();
      return;
    }
    if (this.cardsFor !== state.results) {
      this.cards.clear();
      this.cardsFor = state.results;
    }
    status.textContent = describeCounts(view, state.filters.threshold);
    grid.replaceChildren(...view.shown.map((result) => this.card(result)));
    this.renderEmpty(state, view);
  }

  private renderEmpty(state: AppState, view: View): void {
    const { empty } = this.el;
    empty.hidden = view.shown.length > 0;
    if (view.shown.length > 0) return;
    const threshold = percent(state.filters.threshold);
    if (view.bestScore !== null && view.belowThreshold > 0) {
      const best = percent(view.bestScore);
      const button = element('button', 'button', `Lower the threshold to ${best}%`);
      button.type = 'button';
      button.addEventListener('click', () => { this.actions.setThreshold(best / 100); });
      empty.replaceChildren(
        element('p', undefined, `No results at or above ${threshold}%. The closest match scores ${best}%.`),
        button,
      );
    } else if (view.filteredOut > 0 || state.filters.categories.size > 0 || state.filters.minPrice !== null || state.filters.maxPrice !== null) {
      const button = element('button', 'button', 'Clear the category and price filters');
      button.type = 'button';
      button.addEventListener('click', () => { this.actions.clearFilters(); });
      empty.replaceChildren(element('p', undefined, 'No products match these filters.'), button);
    } else {
      empty.replaceChildren(element('p', undefined, 'No products found. Try another photo.'));
    }
  }

  private card(result: SearchResult): HTMLLIElement {
    const cached = this.cards.get(result.id);
    if (cached) return cached;
    const li = element('li', 'card');
    li.dataset.id = result.id;
    const article = element('article');
    const headingId = `result-${result.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    article.setAttribute('aria-labelledby', headingId);

    const image = element('img');
    image.src = this.format.imageUrl(result.image_src);
    image.alt = result.name;
    image.loading = 'lazy';
    image.decoding = 'async';
    image.width = 224;
    image.height = 224;

    const body = element('div', 'card-body');
    const name = element('h3', 'card-name', result.name);
    name.id = headingId;
    const meta = element('p', 'card-meta');
    meta.append(element('span', 'card-category', result.category), element('span', 'card-price', this.format.price(result.price)));

    const score = percent(result.score);
    const scoreLine = element('div', 'score');
    const label = element('span', 'score-label', `${score}% match`);
    const bar = element('span', 'score-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = element('span', 'score-fill');
    fill.style.width = `${score}%`;
    bar.append(fill);
    scoreLine.append(label, bar);

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
