/**
 * Recent searches, kept only in this browser (localStorage) so a reload, Back or a "photo=" link comes back to them:
 * the photo as it was uploaded (already made small, see upload.ts) as a data: URL, or the image URL, or the catalog
 * product. The newest first, at most MAX_RECENT and MAX_BYTES in all; the user can clear them.
 */

export type RecentKind = 'photo' | 'url' | 'similar';

export interface RecentSearch {
  /** For a photo, the id in its "?photo=" URL; for a URL or product, the URL or product id. */
  id: string;
  kind: RecentKind;
  /** What to call it ("Your photo, 14:02", the product's name, the URL). */
  label: string;
  /** A photo's bytes as a data: URL; for the others, an image to show beside the label (may be empty). */
  image: string;
  /** Milliseconds since 1970. */
  at: number;
}

export const MAX_RECENT = 8;
/** Leaves room in the usual 5 MB of localStorage for other things. */
export const MAX_BYTES = 1_500_000;
const KEY = 'imagesearch.recent';

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

function isRecent(value: unknown): value is RecentSearch {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.label === 'string' && typeof v.image === 'string' && typeof v.at === 'number'
    && (v.kind === 'photo' || v.kind === 'url' || v.kind === 'similar');
}

export function readRecent(storage: Storage | null = defaultStorage()): RecentSearch[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isRecent) : [];
  } catch {
    return [];
  }
}

/** The list with `entry` first (replacing one of the same kind and id), trimmed to the count and size limits. */
export function withRecent(list: readonly RecentSearch[], entry: RecentSearch): RecentSearch[] {
  const next = [entry, ...list.filter((r) => !(r.kind === entry.kind && r.id === entry.id))];
  const kept: RecentSearch[] = [];
  let bytes = 0;
  for (const item of next) {
    const size = item.image.length + item.label.length + item.id.length + 64;
    if (kept.length >= MAX_RECENT || bytes + size > MAX_BYTES) continue;
    kept.push(item);
    bytes += size;
  }
  return kept;
}

export function addRecent(entry: RecentSearch, storage: Storage | null = defaultStorage()): RecentSearch[] {
  let list = withRecent(readRecent(storage), entry);
  // Storage full (other sites' data, private mode): drop the oldest until it fits, or keep nothing.
  while (list.length > 0) {
    try {
      storage?.setItem(KEY, JSON.stringify(list));
      return list;
    } catch {
      list = list.slice(0, -1);
    }
  }
  return list;
}

export function clearRecent(storage: Storage | null = defaultStorage()): void {
  try {
    storage?.removeItem(KEY);
  } catch {
    // Nothing stored, or storage refused: nothing to clear.
  }
}

export function findRecent(kind: RecentKind, id: string, storage: Storage | null = defaultStorage()): RecentSearch | null {
  return readRecent(storage).find((r) => r.kind === kind && r.id === id) ?? null;
}

function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
