import type { SearchResult } from '../src/api';

export function result(id: string, score: number, category = 'Shirt', price: number | null = 10): SearchResult {
  return { id, name: `Product ${id}`, category, price, image_src: `/images/${id}`, score, similarity: score };
}
