import { describe, expect, it } from 'vitest';
import { fileToSearch, firstImage, urlFromText } from '../src/input';

describe('urlFromText', () => {
  it('takes the first URL of a uri-list, skipping comments', () => {
    expect(urlFromText('# dragged\r\nhttps://example.com/a.jpg\r\nhttps://example.com/b.jpg')).toBe('https://example.com/a.jpg');
  });

  it('refuses text that is not an http(s) URL', () => {
    expect(urlFromText('just words')).toBeNull();
    expect(urlFromText('file:///etc/passwd')).toBeNull();
    expect(urlFromText('')).toBeNull();
    expect(urlFromText(null)).toBeNull();
  });
});

describe('firstImage', () => {
  it('skips files that are not images', () => {
    const text = new File(['x'], 'a.txt', { type: 'text/plain' });
    const photo = new File(['x'], 'b.jpg', { type: 'image/jpeg' });
    expect(firstImage([text, photo])).toBe(photo);
    expect(firstImage([text])).toBeNull();
  });
});

describe('fileToSearch', () => {
  it('takes the first image, else the first file of any kind so that it can be refused in words', () => {
    const text = new File(['x'], 'a.txt', { type: 'text/plain' });
    const pdf = new File(['%PDF'], 'b.pdf', { type: 'application/pdf' });
    const photo = new File(['x'], 'c.jpg', { type: 'image/jpeg' });
    expect(fileToSearch([text, photo])).toBe(photo);
    expect(fileToSearch([pdf, text])).toBe(pdf);
    expect(fileToSearch([])).toBeNull();
    expect(fileToSearch(null)).toBeNull();
  });
});
