/**
 * The 3-channel test world (tests/fixtures/models/tiny-rgb, tools/train/make_test_world.py) through the manifest
 * compiler in Node: the float64 interpreter reproduces its PyTorch goldens at the native side and at 2×, and the
 * fused step list computes the same function on C × side × side inputs. The GPU half is tests/gpu/nn-rgb-world.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/worlds/unet/graph';
import { loadClassifierFromDisk, loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { runGraph } from '../reference/nn-ops';
import { runSteps } from '../reference/nn-steps';

const model = loadModelFromDisk('tests/fixtures/models/tiny-rgb');
const classifier = loadClassifierFromDisk('tests/fixtures/models/tiny-rgb-classifier');
const golden = loadGolden('tests/fixtures/tiny-rgb-golden.json');

describe('the RGB test world on the CPU', () => {
  it('its goldens were made from its weights; the network reads and writes 3 × side² per sample', () => {
    expect(golden.weightsSha256).toBe(model.manifest.sha256);
    const g = compileGraph(model.manifest, 16);
    expect([g.shapes.get(g.input), g.shapes.get(g.output)]).toEqual([
      { c: 3, h: 16, w: 16 },
      { c: 3, h: 16, w: 16 },
    ]);
  });

  it('the float64 interpreter and the fused steps reproduce the PyTorch goldens (native side and 2×)', () => {
    for (const name of ['unet_native', 'unet_2x']) {
      const c = golden.cases.get(name)!;
      const [, channels, size] = c.arrays.get('z')!.shape;
      expect(channels).toBe(3);
      const z = c.arrays.get('z')!.data;
      const env = runGraph(model.manifest, model.tensors, z, c.sigma!, c.labels!, size);
      const g = compileGraph(model.manifest, size);
      const steps = runSteps(g, model.tensors, z, c.sigma!, c.labels!);
      for (const [tap, { data }] of c.arrays) {
        if (['x', 'z', 'D', 'time_features'].includes(tap)) continue;
        expect(relativeToScale(env.get(tap)!.data, data), `${name} ${tap}`).toBeLessThan(1e-6);
        expect(
          relativeToScale(steps.get(g.finalNames.get(tap)!)!, env.get(tap)!.data),
          `${name} ${tap} steps`,
        ).toBeLessThan(1e-12);
      }
    }
  });

  it('the 3-channel classifier graph reproduces its golden logits and features', () => {
    const c = golden.cases.get('classifier')!;
    const none = new Array(c.arrays.get('image')!.shape[0]).fill(0);
    const env = runGraph(classifier.manifest, classifier.tensors, c.arrays.get('image')!.data, none, none, 8);
    for (const name of ['logits', 'features'])
      expect(relativeToScale(env.get(name)!.data, c.arrays.get(name)!.data), name).toBeLessThan(1e-6);
  });
});
