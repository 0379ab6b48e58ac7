/**
 * The emoji classifier (nine categories, 3×32×32; tools/train/train_classifier.py --dataset emoji) in our WGSL, in
 * Chromium, against its PyTorch float64 goldens (tools/train/classifier_golden.py --dataset emoji: the first held-out
 * image of every category, held out by emoji identity, and three uniform random images → features and logits).
 * Same bar as the Fashion-MNIST classifier: f32-level agreement (sums of ≤ 8192 terms) and the same argmax.
 */
import { describe, expect, it } from 'vitest';
import { loadGolden, relativeToScale, type GoldenCase } from '../reference/nn-golden';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const c = loadGolden('tests/fixtures/emoji-classifier-golden.json').cases.get('classifier_32')! as GoldenCase & {
  predicted: number[];
};
const classes = 9;

describe('the WGSL emoji classifier against PyTorch float64', () => {
  it('features and logits within 2e-5 of their scale, the same argmax', async () => {
    const r = await holder.session.page.evaluate((o) => (window as any).harness.classifierRun(o), {
      images: Array.from(c.arrays.get('image')!.data),
      model: '/models/emoji-classifier/',
    });
    expect(relativeToScale(r.features, c.arrays.get('features')!.data), 'features').toBeLessThan(2e-5);
    expect(relativeToScale(r.logits, c.arrays.get('logits')!.data), 'logits').toBeLessThan(2e-5);
    const logits = r.logits as number[];
    const labels = Array.from({ length: logits.length / classes }, (_, n) => {
      const row = logits.slice(n * classes, (n + 1) * classes);
      return row.indexOf(Math.max(...row));
    });
    expect(labels).toEqual(c.predicted);
  });
});
