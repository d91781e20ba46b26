import { describe, expect, it } from 'vitest';
import { emptyRoute, formatRoute, parseRoute, type Route } from '../src/route';

describe('route: each state of the page as a URL', () => {
  it('round-trips a "more like this" with filters, a product and a lowered threshold', () => {
    const route: Route = { query: { kind: 'similar', id: 'C 01/x' }, product: 'C0002', threshold: 0.3, categories: ['Shoes', 'T-Shirt'], minPrice: 10, maxPrice: 99.5, sort: 'price-asc' };
    const text = formatRoute(route, 0.7);
    expect(text).toBe('?similar=C+01%2Fx&product=C0002&t=30&cat=Shoes&cat=T-Shirt&min=10&max=99.5&sort=price-asc');
    expect(parseRoute(text)).toEqual(route);
  });

  it('leaves the default threshold and sort out of the URL, and the start page is just "/"', () => {
    expect(formatRoute({ ...emptyRoute, query: { kind: 'photo', id: 'abc' }, threshold: 0.7 }, 0.7)).toBe('?photo=abc');
    expect(formatRoute(emptyRoute, 0.7)).toBe('');
    expect(parseRoute('')).toEqual(emptyRoute);
  });

  it('keeps an image URL search shareable', () => {
    const text = formatRoute({ ...emptyRoute, query: { kind: 'url', url: 'https://example.com/a b.jpg?x=1' } }, 0.7);
    expect(parseRoute(text).query).toEqual({ kind: 'url', url: 'https://example.com/a b.jpg?x=1' });
  });

  it('ignores what is malformed instead of failing', () => {
    const route = parseRoute('?url=javascript:alert(1)&t=abc&min=-5&max=x&sort=cheapest&cat=');
    expect(route).toEqual(emptyRoute);
    expect(parseRoute('?t=150').threshold).toBeNull();
  });
});
