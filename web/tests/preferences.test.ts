import { describe, expect, it } from 'vitest';
import { readOnDevice, writeOnDevice } from '../src/preferences';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => { items.set(key, value); } };
}

describe('the on-device preference', () => {
  it('is off until turned on, and remembered both ways', () => {
    const storage = memoryStorage();
    expect(readOnDevice(storage)).toBe(false);
    writeOnDevice(true, storage);
    expect(readOnDevice(storage)).toBe(true);
    writeOnDevice(false, storage);
    expect(readOnDevice(storage)).toBe(false);
  });

  it('is off, without an error, where the browser refuses storage', () => {
    const refusing = { getItem: () => { throw new DOMException('denied', 'SecurityError'); }, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
    expect(readOnDevice(refusing)).toBe(false);
    expect(() => { writeOnDevice(true, refusing); }).not.toThrow();
    expect(readOnDevice(null)).toBe(false);
  });
});
