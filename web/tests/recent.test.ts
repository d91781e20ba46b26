import { describe, expect, it } from 'vitest';
import { MAX_BYTES, MAX_RECENT, addRecent, clearRecent, findRecent, readRecent, withRecent, type RecentSearch } from '../src/recent';

class MemoryStorage {
  private items = new Map<string, string>();
  constructor(private readonly limit = Infinity) {}
  getItem(key: string): string | null { return this.items.get(key) ?? null; }
  setItem(key: string, value: string): void {
    if (value.length > this.limit) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void { this.items.delete(key); }
}

function entry(id: string, image = '', kind: RecentSearch['kind'] = 'photo'): RecentSearch {
  return { id, kind, label: `Photo ${id}`, image, at: 1 };
}

describe('recent searches, kept only in this browser', () => {
  it('puts the newest first, replaces a repeat and keeps at most MAX_RECENT', () => {
    let list: RecentSearch[] = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) list = withRecent(list, entry(String(i)));
    list = withRecent(list, entry('9'));
    expect(list).toHaveLength(MAX_RECENT);
    expect(list.map((r) => r.id).slice(0, 3)).toEqual(['9', '10', '8']);
  });

  it('keeps the stored photos under MAX_BYTES', () => {
    const big = 'x'.repeat(Math.floor(MAX_BYTES / 3));
    let list: RecentSearch[] = [];
    for (let i = 0; i < 5; i++) list = withRecent(list, entry(String(i), big));
    expect(list.map((r) => r.id)).toEqual(['4', '3']);
  });

  it('comes back after a reload, is found by kind and id, and can be cleared', () => {
    const storage = new MemoryStorage();
    addRecent(entry('a', 'data:image/jpeg;base64,AAAA'), storage);
    addRecent(entry('https://example.com/x.jpg', '', 'url'), storage);
    expect(readRecent(storage).map((r) => r.kind)).toEqual(['url', 'photo']);
    expect(findRecent('photo', 'a', storage)?.image).toBe('data:image/jpeg;base64,AAAA');
    expect(findRecent('similar', 'a', storage)).toBeNull();
    clearRecent(storage);
    expect(readRecent(storage)).toEqual([]);
  });

  it('drops the oldest when storage is full, and survives broken storage', () => {
    const storage = new MemoryStorage(400);
    addRecent(entry('a', 'y'.repeat(150)), storage);
    const list = addRecent(entry('b', 'z'.repeat(150)), storage);
    expect(list.map((r) => r.id)).toEqual(['b']);
    storage.setItem('imagesearch.recent', '{not json');
    expect(readRecent(storage)).toEqual([]);
    expect(readRecent(null)).toEqual([]);
  });
});
