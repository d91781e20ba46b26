import { describe, expect, it } from 'vitest';
import { BANDS, confidenceOf } from '../src/confidence';

describe('confidenceOf: what a card says about a score', () => {
  it('puts each score in a band of words, at the slider\'s whole-percent precision', () => {
    expect([0.995, 0.9, 0.8996, 0.7, 0.6949, 0.4, 0.34, 0].map((s) => confidenceOf(s).level))
      .toEqual(['very-likely', 'very-likely', 'very-likely', 'likely', 'possibly', 'possibly', 'unlikely', 'unlikely']);
  });

  it('never says "% match": the words say how sure the service is, the sentence gives the number', () => {
    for (const score of [0.99, 0.75, 0.5, 0.34]) {
      const confidence = confidenceOf(score);
      expect(confidence.words).not.toMatch(/%/);
      expect(confidence.sentence).toContain(`${Math.round(score * 100)}%`);
      expect(confidence.sentence).toMatch(/kind of product in your photo/);
    }
  });

  it('has the 70% default threshold as the edge of "likely", so what passes by default reads as likely or better', () => {
    expect(BANDS.find((b) => b.level === 'likely')?.from).toBe(0.7);
    expect(confidenceOf(0.7).words).toBe('Likely a match');
    expect(confidenceOf(0.69).words).toBe('Possibly a match');
  });

  it('treats nonsense as the lowest band', () => {
    expect(confidenceOf(Number.NaN).level).toBe('unlikely');
    expect(confidenceOf(-1).level).toBe('unlikely');
    expect(confidenceOf(2).level).toBe('very-likely');
  });
});
