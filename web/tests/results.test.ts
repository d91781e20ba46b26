import { describe, expect, it } from 'vitest';
import { listResults, describeCounts, passesThreshold, sortResults, type ResultFilters } from '../src/results';
import { result } from './fixtures';

const results = [
  result('A', 0.95, 'Shirt', 30),
  result('B', 0.81, 'Shoes', 80),
  result('C', 0.72, 'Shirt', null),
  result('D', 0.6996, 'Hat', 15),
  result('E', 0.4, 'Shoes', 5),
];

function filters(change: Partial<ResultFilters> = {}): ResultFilters {
  return { threshold: 0.7, categories: new Set(), minPrice: null, maxPrice: null, sort: 'score', limit: 20, ...change };
}

describe('threshold filtering', () => {
  it('shows the results at or above the threshold and counts the hidden ones', () => {
    const list = listResults(results, filters());
    expect(list.shown.map((r) => r.id)).toEqual(['A', 'B', 'C', 'D']);
    expect(list.belowThreshold).toBe(1);
    expect(list.overLimit).toBe(0);
    expect(list.filteredOut).toBe(0);
  });

  it('compares at whole-percent precision, as the slider shows it', () => {
    expect(passesThreshold(0.6996, 0.7)).toBe(true);
    expect(passesThreshold(0.694, 0.7)).toBe(false);
    expect(passesThreshold(0, 0)).toBe(true);
  });

  it('changes the shown and hidden counts as the threshold moves', () => {
    expect(listResults(results, filters({ threshold: 0.9 })).shown).toHaveLength(1);
    expect(listResults(results, filters({ threshold: 0.9 })).belowThreshold).toBe(4);
    expect(listResults(results, filters({ threshold: 0 })).shown).toHaveLength(5);
    expect(listResults(results, filters({ threshold: 1 })).shown).toHaveLength(0);
  });

  it('reports the best score so the empty state can offer a lower threshold', () => {
    const list = listResults(results, filters({ threshold: 0.99 }));
    expect(list.shown).toHaveLength(0);
    expect(list.bestScore).toBe(0.95);
  });

  it('keeps the best by score when limiting, then sorts them as asked', () => {
    const list = listResults(results, filters({ limit: 2, sort: 'price-asc' }));
    expect(list.shown.map((r) => r.id)).toEqual(['A', 'B']);
    expect(list.overLimit).toBe(2);
  });
});

describe('category and price filters', () => {
  it('keeps the chosen categories and counts the rest as filtered out', () => {
    const list = listResults(results, filters({ categories: new Set(['Shoes']), threshold: 0 }));
    expect(list.shown.map((r) => r.id)).toEqual(['B', 'E']);
    expect(list.filteredOut).toBe(3);
  });

  it('applies a price range and leaves out products without a price', () => {
    const list = listResults(results, filters({ minPrice: 10, maxPrice: 50, threshold: 0 }));
    expect(list.shown.map((r) => r.id)).toEqual(['A', 'D']);
  });

  it('gives no best score when nothing passes the filters', () => {
    const list = listResults(results, filters({ categories: new Set(['Coat']) }));
    expect(list.bestScore).toBeNull();
  });
});

describe('sorting', () => {
  it('sorts by score, best first', () => {
    expect(sortResults([results[2]!, results[0]!, results[1]!], 'score').map((r) => r.id)).toEqual(['A', 'B', 'C']);
  });

  it('keeps the service\'s order (by similarity) among results with the same calibrated score', () => {
    const tied = [
      { ...result('A', 0.56), similarity: 0.801 },
      { ...result('B', 0.56), similarity: 0.812 },
      { ...result('C', 0.61), similarity: 0.83 },
    ];
    expect(sortResults(tied, 'score').map((r) => r.id)).toEqual(['C', 'B', 'A']);
    expect(listResults(tied, filters({ threshold: 0, limit: 2 })).shown.map((r) => r.id)).toEqual(['C', 'B']);
  });

  it('sorts by price either way, products without a price last', () => {
    expect(sortResults(results, 'price-asc').map((r) => r.id)).toEqual(['E', 'D', 'A', 'B', 'C']);
    expect(sortResults(results, 'price-desc').map((r) => r.id)).toEqual(['B', 'A', 'D', 'E', 'C']);
  });

  it('does not change its input', () => {
    const copy = [...results];
    sortResults(results, 'price-asc');
    expect(results).toEqual(copy);
  });
});

describe('the count sentence', () => {
  it('says how many are shown and how many are hidden below the threshold', () => {
    expect(describeCounts(listResults(results, filters()), 0.7)).toBe('Showing 4 matches at least 70% likely; 1 less likely one hidden.');
  });

  it('uses the singular and mentions the limit and the filters', () => {
    const list = listResults(results, filters({ limit: 1, categories: new Set(['Shirt']) }));
    expect(describeCounts(list, 0.7)).toBe('Showing 1 of 2 matches at least 70% likely; 3 left out by your filters.');
  });

  it('has no hidden part when nothing is hidden', () => {
    expect(describeCounts(listResults(results, filters({ threshold: 0 })), 0)).toBe('Showing 5 matches at least 0% likely.');
  });
});
