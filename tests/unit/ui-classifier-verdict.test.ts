/** The classifier's verdict as the page shows it (src/ui/runs/classifier-verdict.ts): the readout line for a picked
 *  class, for 'mixed' and for unconditional runs, and the per-image tooltips. */
import { describe, expect, it } from 'vitest';
import { imageTitles, judgedByClassifier, verdictSummary, type Verdict } from '../../src/ui/runs/classifier-verdict';

/** Fashion-MNIST's label names (Xiao, Rasul & Vollgraf 2017), as the shipped index lists them. */
const classes = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** A verdict whose image i has probability 0.9 on labels[i]. */
const verdict = (labels: number[], asked: Verdict['asked']): Verdict => {
  const probabilities = new Float32Array(labels.length * 10).fill(0.1 / 9);
  labels.forEach((l, i) => (probabilities[i * 10 + l] = 0.9));
  return { key: 'k', labels: Int32Array.from(labels), probabilities, classes, asked };
};

describe('classifier verdict', () => {
  it('a picked class: how many of the images look like it, the rest in the details', () => {
    expect(verdictSummary(verdict([7, 7, 5, 7], 7))).toEqual({
      text: '3/4 look like Sneaker',
      detail: "The classifier's verdicts: Sneaker 3, Sandal 1",
    });
    expect(verdictSummary(verdict([5], 7)).text).toBe('0/1 look like Sneaker');
  });

  it("'mixed': image i asked for class i mod 10, and the share that got it", () => {
    // Images 0–11 ask for 0–9, 0, 1; images 3 and 11 come out as other classes.
    const labels = [0, 1, 2, 4, 4, 5, 6, 7, 8, 9, 0, 8];
    expect(verdictSummary(verdict(labels, 'mixed')).text).toBe('10/12 match their class');
  });

  it('unconditional: the class seen most', () => {
    expect(verdictSummary(verdict([8, 3, 8], undefined)).text).toBe('most look like Bag (2/3)');
  });

  it('tooltips name the verdict, its probability, and the class asked for when it differs', () => {
    expect(imageTitles(verdict([7, 5], 7))).toEqual([
      'classifier: Sneaker (90 %)',
      'classifier: Sandal (90 %); asked for Sneaker',
    ]);
    expect(imageTitles(verdict([0, 3], 'mixed'))).toEqual([
      'classifier: T-shirt/top (90 %)',
      'classifier: Dress (90 %); asked for Trouser',
    ]);
    expect(imageTitles(verdict([9], undefined))).toEqual(['classifier: Ankle boot (90 %)']);
  });

  it('judges the worlds whose manifest names a classifier, and only those', () => {
    expect(
      judgedByClassifier({ size: 28, maxSize: 112, classes, nullClass: 10, classifier: 'fmnist-classifier' }),
    ).toBe(true);
    expect(judgedByClassifier({ size: 28, maxSize: 112, classes, nullClass: 10, classifier: null })).toBe(false);
    expect(judgedByClassifier({ size: 28, maxSize: 112, classes, nullClass: 10 })).toBe(false);
    expect(judgedByClassifier(undefined)).toBe(false);
  });
});
