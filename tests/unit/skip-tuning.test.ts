/**
 * Skip-Tuning (Ma et al., ICML 2024, §3) below the page, in Node: the compiler numbers the long skips top (nearest
 * the input) to bottom, ρ_j interpolates linearly between ρ_top and ρ_bottom, the fused steps with scaled skips compute
 * the float64 reference interpreter's function, both reproduce the PyTorch goldens with scaled skips (Fashion-MNIST
 * and the RGB fixture world), keys and calibrations tell ρ apart, and the API checks its arguments.
 */
import { describe, expect, it } from 'vitest';
import { choosePredictor } from '../../src/sampling/amed/predictors';
import type { PrepareContext } from '../../src/sampling/prepare';
import { resolveDenoiseOptions, resolveSampleOptions } from '../../src/api/options';
import { unetKey } from '../../src/worlds/unet/denoiser';
import { compileGraph } from '../../src/worlds/unet/graph';
import { skipScale, skipTuningKey } from '../../src/worlds/unet/skip-tuning';
import { WorldRegistry } from '../../src/worlds/registry';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { runGraph } from '../reference/nn-ops';
import { runSteps } from '../reference/nn-steps';
import { shippedWorlds } from '../reference/shipped-worlds';

const worlds = new WorldRegistry(shippedWorlds());
const sample = (o: object) => resolveSampleOptions({ world: 'fmnist', sampler: 'euler', ...o }, worlds);

const fixtures = [
  {
    model: 'public/models/fmnist',
    golden: 'tests/fixtures/fmnist-golden.json',
    tuned: 'unet_28_skip_tuning',
    plain: 'unet_28',
  },
  {
    model: 'tests/fixtures/models/tiny-rgb',
    golden: 'tests/fixtures/tiny-rgb-golden.json',
    tuned: 'unet_native_skip_tuning',
    plain: 'unet_native',
  },
];

describe('Skip-Tuning in the compiled graph', () => {
  it('numbers the k + 1 = 3 skips by the order the encoder wrote them; the decoder reads the deepest first', () => {
    // With a kept concat output the concat stays a step; otherwise its readers (a GroupNorm and the 1×1 skip
    // projection, inside the block's second 3×3 conv, per decoder block) carry the skip index.
    const kept = compileGraph(loadModelFromDisk().manifest, 28, ['up.0.cat', 'up.1.cat', 'up.2.cat']);
    const concats = kept.steps.filter((s) => s.op === 'concat');
    expect(kept.skips).toBe(3);
    expect(concats.map((s) => s.skip)).toEqual([2, 1, 0]);
    // j = 0 is the full-resolution skip, j = k the 7×7 one.
    expect(concats.map((s) => kept.shapes.get(s.inputs[1])!.h)).toEqual([7, 14, 28]);
    const g = compileGraph(loadModelFromDisk().manifest, 28);
    const folded = g.steps.flatMap((s) => {
      const concat = s.op === 'group_norm' ? s.concat : s.op === 'conv3x3' ? s.projection?.concat : undefined;
      return concat ? [{ op: s.op, concat }] : [];
    });
    expect(folded.map((s) => `${s.op} ${s.concat.skip}`)).toEqual([
      'group_norm 2',
      'conv3x3 2',
      'group_norm 1',
      'conv3x3 1',
      'group_norm 0',
      'conv3x3 0',
    ]);
    expect(folded.map((s) => g.shapes.get(s.concat.second)!.h)).toEqual([7, 7, 14, 14, 28, 28]);
  });

  it('ρ_j = ρ_top + (ρ_bottom − ρ_top)·j/k; off (absent or all 1) is 1 everywhere and adds nothing to keys', () => {
    const t = { bottom: 0.7, top: 0.9 };
    expect([0, 1, 2].map((j) => skipScale(t, j, 3))).toEqual([0.9, 0.9 + (0.7 - 0.9) / 2, 0.7]);
    expect(skipScale({ bottom: 0.8, top: 1 }, 0, 1)).toBe(1);
    expect([skipScale(undefined, 2, 3), skipScale({ bottom: 1, top: 1 }, 2, 3)]).toEqual([1, 1]);
    expect(skipTuningKey({ bottom: 1, top: 1 })).toBe('');
    expect(unetKey('abc', 28, { bottom: 1, top: 1 })).toBe(unetKey('abc', 28));
    expect(unetKey('abc', 28, { bottom: 0.8, top: 1 })).not.toBe(unetKey('abc', 28));
    expect(unetKey('abc', 28, { bottom: 0.8, top: 1 })).not.toBe(unetKey('abc', 28, { bottom: 1, top: 0.8 }));
  });

  for (const f of fixtures) {
    it(`${f.tuned}: the float64 interpreter and the fused steps with scaled skips reproduce PyTorch`, () => {
      const model = loadModelFromDisk(f.model);
      const golden = loadGolden(f.golden);
      expect(golden.weightsSha256).toBe(model.manifest.sha256);
      const c = golden.cases.get(f.tuned)!;
      const tuning = (c as unknown as { skip_tuning: { bottom: number; top: number } }).skip_tuning;
      expect(tuning).toEqual({ bottom: 0.7, top: 0.9 });
      const [, , size] = c.arrays.get('z')!.shape;
      const z = c.arrays.get('z')!.data;
      const env = runGraph(model.manifest, model.tensors, z, c.sigma!, c.labels!, size, tuning);
      const g = compileGraph(model.manifest, size);
      const steps = runSteps(g, model.tensors, z, c.sigma!, c.labels!, tuning);
      for (const [tap, { data }] of c.arrays) {
        if (['x', 'z', 'D'].includes(tap)) continue;
        // float64 results stored as float32: a few f32 ulps of the scale.
        expect(relativeToScale(env.get(tap)!.data, data), `graph ${tap}`).toBeLessThan(1e-6);
        expect(relativeToScale(steps.get(g.finalNames.get(tap)!)!, env.get(tap)!.data), `steps ${tap}`).toBeLessThan(
          1e-12,
        );
      }
      // The scaling is visible: the untuned network is far from the tuned golden, and the swapped ρ too.
      const plain = golden.cases.get(f.plain)!.arrays.get('v')!.data;
      expect(relativeToScale(plain, c.arrays.get('v')!.data)).toBeGreaterThan(1e-2);
      const swapped = runSteps(g, model.tensors, z, c.sigma!, c.labels!, { bottom: tuning.top, top: tuning.bottom });
      expect(relativeToScale(swapped.get(g.output)!, c.arrays.get('v')!.data)).toBeGreaterThan(1e-2);
    }, 120_000);
  }
});

describe('Skip-Tuning in the API', () => {
  it('sample and denoise take { bottom, top? } (top defaults to 1); all 1 is off', () => {
    expect(sample({ skipTuning: { bottom: 0.8 } }).skipTuning).toEqual({ bottom: 0.8, top: 1 });
    expect(sample({ skipTuning: { bottom: 0.8, top: 0.95 } }).skipTuning).toEqual({ bottom: 0.8, top: 0.95 });
    expect(sample({ skipTuning: { bottom: 1 } }).skipTuning).toBeUndefined();
    expect(sample({}).skipTuning).toBeUndefined();
    const d = resolveDenoiseOptions(
      { world: 'fmnist', x: new Float32Array(784), sigma: 1, skipTuning: { bottom: 1.5, top: 0.1 } },
      worlds,
    );
    expect(d.skipTuning).toEqual({ bottom: 1.5, top: 0.1 });
  });

  it('rejects bad values, naming the field and its range', () => {
    expect(() => sample({ skipTuning: { bottom: 0 } })).toThrow(
      /^skipTuning\.bottom: must be a number in \(0, 1\.5\], got 0$/,
    );
    expect(() => sample({ skipTuning: { bottom: 1.6 } })).toThrow(
      /^skipTuning\.bottom: must be a number in \(0, 1\.5\], got 1\.6$/,
    );
    expect(() => sample({ skipTuning: { bottom: 0.8, top: Number.NaN } })).toThrow(
      /^skipTuning\.top: must be a number in \(0, 1\.5\], got NaN$/,
    );
    expect(() => sample({ skipTuning: { bottom: '0.8' } })).toThrow(
      /^skipTuning\.bottom: must be a number in \(0, 1\.5\]/,
    );
    expect(() => sample({ skipTuning: 0.8 })).toThrow(/^skipTuning: must be an object \{ bottom, top\? \}$/);
    expect(() =>
      resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', skipTuning: { bottom: 0.8 } } as never, worlds),
    ).toThrow(/^skipTuning: world gmm:ring8 has no UNet skips to tune$/);
  });

  it('AMED: the learned predictor, trained without Skip-Tuning, is not used with it, and the reason says so', async () => {
    const run = resolveSampleOptions(
      { world: 'fmnist', sampler: 'amed', nfe: 5, schedule: 'time_uniform', skipTuning: { bottom: 0.8 } },
      worlds,
    );
    // The facts the sandbox hands AMED's prepare hook for this run; nothing is loaded before the refusal.
    const context = {
      world: run.world.id,
      nativeSize: run.world.image!.size,
      sigmas: run.sigmas,
      schedule: run.schedule,
      denoiser: { cfg: 1, conditional: true, skipTuning: run.skipTuning },
      model: run.world.model,
    } as unknown as PrepareContext;
    expect(await choosePredictor(context, 'solver', true)).toEqual({
      reason: 'the learned predictor was trained without Skip-Tuning',
    });
  });
});
