/**
 * What a result's score says to a shopper. The score is the service's calibrated estimate that the product is the
 * kind of product in the photo (same category; the same product where the catalog groups photos of one product),
 * so the card says how sure the service is, in words and a colour, instead of a "% match" that reads like looks.
 */

export type ConfidenceLevel = 'very-likely' | 'likely' | 'possibly' | 'unlikely';

export interface Confidence {
  level: ConfidenceLevel;
  /** The card's words, e.g. "Very likely a match". */
  words: string;
  /** The same as a sentence with the number, for screen readers and the tooltip. */
  sentence: string;
}

/** Lower bounds of the bands, highest first: what "very likely", "likely" and "possibly" mean as probabilities. */
export const BANDS: readonly { level: ConfidenceLevel; from: number; words: string }[] = [
  { level: 'very-likely', from: 0.9, words: 'Very likely a match' },
  { level: 'likely', from: 0.7, words: 'Likely a match' },
  { level: 'possibly', from: 0.4, words: 'Possibly a match' },
  { level: 'unlikely', from: 0, words: 'Unlikely a match' },
];

/** Whole percent, as the slider shows it (0.6996 is 70%). */
export function wholePercent(score: number): number {
  return Math.round(Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0)) * 100);
}

export function confidenceOf(score: number): Confidence {
  const percent = wholePercent(score);
  const band = BANDS.find((b) => percent >= Math.round(b.from * 100)) ?? { level: 'unlikely' as const, words: 'Unlikely a match' };
  const inTen = Math.round(percent / 10);
  return {
    level: band.level,
    words: band.words,
    sentence: `${band.words}: about ${inTen} in 10 results like this are the kind of product in your photo (${percent}%).`,
  };
}
