/**
 * The shipped Fashion-MNIST classifier in our WGSL, in Chromium: against the PyTorch float64 goldens
 * (tools/train/classifier_golden.py: 10 real test images and 3 random ones → features and logits), chunked the same
 * as whole, and through `sandbox.classify` (softmax, argmax, clamping, averaging of 56 and 112 down to 28, argument
 * errors, weight download progress). The bar: max error ≤ 1e-3 of the output scale, and the same argmax.
 */
import { describe, expect, it } from 'vitest';
import { CLASSIFIER_GOLDEN, loadGolden, relativeToScale, type GoldenCase } from '../reference/nn-golden';
import { sandboxEvaluator, useNnPage } from './nn-session';

const holder = useNnPage();
/** The golden case, with the labels classifier_golden.py recorded: float64 argmax, true labels of the real images. */
const c = loadGolden(CLASSIFIER_GOLDEN).cases.get('classifier_28')! as GoldenCase & {
  predicted: number[];
  true_labels: number[];
  real: number;
};
const images = Array.from(c.arrays.get('image')!.data);
const goldenLogits = c.arrays.get('logits')!.data;
const count = images.length / 784;

interface RunResult {
  logits: number[];
  features: number[];
  info: { capacity: number; slots: number };
}
const classifierRun = (images: number[], maxChunk?: number): Promise<RunResult> =>
  holder.session.page.evaluate(
    (images, maxChunk) => (window as any).harness.classifierRun({ images, maxChunk }),
    images,
    maxChunk,
  );

const evaluate = sandboxEvaluator(holder);

const argmax = (row: ArrayLike<number>) => Array.from(row).reduce((best, v, j, a) => (v > a[best] ? j : best), 0);
const rows = (flat: ArrayLike<number>, width: number) =>
  Array.from({ length: flat.length / width }, (_, n) => Array.from(flat).slice(n * width, (n + 1) * width));

/** Each 28×28 image enlarged m× by repeating pixels (its m×m block means are the image again, exactly). */
const enlarge = (flat: number[], m: number) => {
  const side = 28 * m;
  return Array.from({ length: (flat.length / 784) * side * side }, (_, i) => {
    const n = Math.floor(i / (side * side));
    const p = i % (side * side);
    return flat[n * 784 + Math.floor(Math.floor(p / side) / m) * 28 + Math.floor((p % side) / m)];
  });
};

describe('the WGSL classifier against PyTorch float64', () => {
  it('features and logits within 1e-3 of their scale (f32 sums of ≤ 6272 terms: ~1e-6 expected), the same argmax', async () => {
    const r = await classifierRun(images);
    expect(r.info.capacity).toBe(count);
    const errors = {
      features: relativeToScale(r.features, c.arrays.get('features')!.data),
      logits: relativeToScale(r.logits, goldenLogits),
    };
    expect(errors.features, 'features').toBeLessThan(1e-3);
    expect(errors.logits, 'logits').toBeLessThan(1e-3);
    // Tighter than the 1e-3 bar, so a regression to a sloppier kernel shows: f32 accumulation gives ~1e-6 here.
    expect(Math.max(errors.features, errors.logits), 'f32-level agreement').toBeLessThan(2e-5);
    const labels = rows(r.logits, 10).map(argmax);
    expect(labels).toEqual(c.predicted);
    // The classifier gets every real image right (its test accuracy is 0.924; these ten are its first of each class).
    expect(labels.slice(0, c.real)).toEqual(c.true_labels);
  });

  it('in chunks of 4 (13 images: 4 chunks) gives the same floats as one chunk', async () => {
    const whole = await classifierRun(images);
    const chunked = await classifierRun(images, 4);
    expect(chunked.info.capacity).toBe(4);
    expect(chunked.logits).toEqual(whole.logits);
    expect(chunked.features).toEqual(whole.features);
  });
});

describe('sandbox.classify', () => {
  it('downloads the weights once with progress up to the manifest byte length', async () => {
    const r = await evaluate(async (sandbox) => {
      const seen: Array<[number, number]> = [];
      await sandbox.loadClassifier({ onProgress: (loaded: number, total: number) => seen.push([loaded, total]) });
      const manifest = await (await fetch('/models/fmnist-classifier/manifest.json')).json();
      return { first: seen[0], last: seen.at(-1), calls: seen.length, bytes: manifest.byte_length };
    });
    expect(r.calls).toBeGreaterThan(1);
    expect(r.first).toEqual([0, r.bytes]);
    expect(r.last).toEqual([r.bytes, r.bytes]);
  });

  it('labels are the argmax, probabilities the softmax of the golden logits, classes the Fashion-MNIST names', async () => {
    const r = await evaluate(async (sandbox, images) => {
      const out = await sandbox.classify({ images: new Float32Array(images) });
      return {
        labels: Array.from(out.labels as Int32Array),
        probabilities: Array.from(out.probabilities as Float32Array),
        classes: out.classes,
        features: out.features.length,
      };
    }, images);
    expect(r.labels).toEqual(c.predicted);
    expect(r.classes).toEqual([
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
    ]);
    expect(r.features).toBe(count * 256);
    rows(goldenLogits, 10).forEach((logits, n) => {
      const top = Math.max(...logits);
      const total = logits.reduce((a, v) => a + Math.exp(v - top), 0);
      // Logit errors of ~1e-5 move a probability by at most ~1e-5 (softmax is 1-Lipschitz per coordinate).
      logits.forEach((v, j) =>
        expect(Math.abs(r.probabilities[n * 10 + j] - Math.exp(v - top) / total), `image ${n} class ${j}`).toBeLessThan(
          1e-4,
        ),
      );
    });
  });

  it('56 and 112 px images are averaged down to 28; values outside [-1, 1] are clamped first', async () => {
    const few = images.slice(7 * 784, 10 * 784); // Sneaker, Bag, Ankle boot
    const r = await evaluate(
      async (sandbox, { few, x2, x4 }) => {
        const logits = async (values: number[], count: number) =>
          Array.from((await sandbox.classify({ images: new Float32Array(values), count })).logits as Float32Array);
        // Tripled, every pixel beyond ±1/3 leaves the data range; clamped it is min(1, max(−1, 3x)).
        const tripled = few.map((v: number) => 3 * v);
        return {
          base: await logits(few, 3),
          x2: await logits(x2, 3),
          x4: await logits(x4, 3),
          tripled: await logits(tripled, 3),
          clamped: await logits(
            tripled.map((v: number) => Math.min(1, Math.max(-1, v))),
            3,
          ),
        };
      },
      { few, x2: enlarge(few, 2), x4: enlarge(few, 4) },
    );
    expect(r.x2).toEqual(r.base);
    expect(r.x4).toEqual(r.base);
    expect(r.tripled).toEqual(r.clamped);
    expect(r.tripled).not.toEqual(r.base);
  });

  it('rejects bad arguments with a message naming the field and its allowed range', async () => {
    const messages = await evaluate(async (sandbox) => {
      const attempt = (options: unknown) =>
        sandbox.classify(options).then(
          () => 'resolved',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      const nan = new Float32Array(784);
      nan[5] = NaN;
      return [
        await attempt({ images: [0, 1] }),
        await attempt({ images: new Float32Array(0) }),
        await attempt({ images: new Float32Array(1000) }),
        await attempt({ images: new Float32Array(784 * 3), count: 2 }),
        await attempt({ images: new Float32Array(30 * 30), count: 1 }),
        await attempt({ images: new Float32Array(784), count: 0 }),
        await attempt({ images: nan }),
      ];
    });
    expect(messages).toEqual([
      'TypeError: images: must be a non-empty Float32Array of count × side² values, got 0,1',
      'TypeError: images: must be a non-empty Float32Array of count × side² values, got an empty one',
      'RangeError: images: length must be a multiple of 784 (28×28 images) when count is omitted, got 1000',
      'RangeError: images: length must be count × side² with side 28, 56, 84, 112 (for count 2: 1568, 6272, 14112, 25088), got 2352',
      'RangeError: images: length must be count × side² with side 28, 56, 84, 112 (for count 1: 784, 3136, 7056, 12544), got 900',
      'RangeError: count: must be an integer in 1–16384, got 0',
      'RangeError: images[5]: must be finite, got NaN',
    ]);
  });
});
