/**
 * The classifier's manifest through the same compiler as the UNet (src/worlds/unet/graph.ts), in Node: the float64
 * reference interpreter reproduces the PyTorch goldens, ReLU folds into the conv and linear epilogues, the CHW
 * flatten costs nothing, the fused steps compute the manifest graph exactly, and the memory plan keeps the features.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph, elements, stepInputs } from '../../src/worlds/unet/graph';
import { checkClassifierManifest, type WeightsManifest } from '../../src/worlds/unet/manifest';
import { planMemory } from '../../src/worlds/unet/memory';
import { CLASSIFIER_GOLDEN, loadClassifierFromDisk, loadGolden, relativeToScale } from '../reference/nn-golden';
import { runGraph } from '../reference/nn-ops';
import { runSteps } from '../reference/nn-steps';

const model = loadClassifierFromDisk();
const golden = loadGolden(CLASSIFIER_GOLDEN);
const c = golden.cases.get('classifier_28')!;
const images = c.arrays.get('image')!.data;
const count = c.arrays.get('image')!.shape[0];
const none = new Array(count).fill(0);

describe('the classifier graph', () => {
  it('the goldens were made from the shipped weights', () => {
    expect(golden.weightsSha256).toBe(model.manifest.sha256);
  });

  it('the float64 reference interpreter reproduces the PyTorch goldens: features and logits', () => {
    const env = runGraph(model.manifest, model.tensors, images, none, none, 28);
    for (const name of ['features', 'logits'])
      expect(relativeToScale(env.get(name)!.data, c.arrays.get(name)!.data), name).toBeLessThan(1e-6);
  }, 60_000);

  it('compiles to 3 convs and 2 linears with ReLU fused, 2 max-pools, and no step for the flatten', () => {
    const g = compileGraph(model.manifest, 28);
    expect(g.steps.map((s) => `${s.op}${'relu' in s && s.relu ? '+relu' : ''}`)).toEqual([
      'conv3x3+relu',
      'conv3x3+relu',
      'max_pool',
      'conv3x3+relu',
      'max_pool',
      'linear+relu',
      'linear',
    ]);
    // The flatten's output is its input's buffer, read by fc1 as [n, 6272].
    const fc1 = g.steps[5];
    expect(fc1.op === 'linear' && fc1.input).toBe(g.finalNames.get('h3p'));
    expect(g.finalNames.get('flat')).toBe(g.finalNames.get('h3p'));
    expect(g.shapes.get(g.finalNames.get('h3p')!)).toEqual({ c: 128, h: 7, w: 7 });
    expect(g.shapes.get(g.finalNames.get('features')!)).toEqual({ c: 256, h: 1, w: 1 });
    expect(g.shapes.get(g.output)).toEqual({ c: 10, h: 1, w: 1 });
    expect(g.input).toBe('image');
  });

  it('the fused steps compute the manifest graph exactly (float64)', () => {
    const g = compileGraph(model.manifest, 28);
    const graphEnv = runGraph(model.manifest, model.tensors, images, none, none, 28);
    const stepEnv = runSteps(g, model.tensors, images, none, none);
    for (const name of ['h1', 'h2p', 'h3p', 'features', 'logits']) {
      expect(relativeToScale(stepEnv.get(g.finalNames.get(name)!)!, graphEnv.get(name)!.data), name).toBeLessThan(
        1e-12,
      );
    }
  }, 60_000);

  it('plans memory so that the image, the features and the logits survive to the end', () => {
    const g = compileGraph(model.manifest, 28);
    const keep = [g.finalNames.get('features')!];
    const plan = planMemory(g, keep);
    const holder = new Map<number, string>([[plan.slotOf.get(g.input)!, g.input]]);
    for (const s of g.steps) {
      for (const v of stepInputs(s)) expect(holder.get(plan.slotOf.get(v)!), `${s.output} reads ${v}`).toBe(v);
      expect(plan.slotElements[plan.slotOf.get(s.output)!]).toBeGreaterThanOrEqual(elements(g.shapes.get(s.output)!));
      holder.set(plan.slotOf.get(s.output)!, s.output);
    }
    for (const v of [g.input, g.output, ...keep]) expect(holder.get(plan.slotOf.get(v)!), v).toBe(v);
  });

  it('rejects what the kernels cannot run, naming the op', () => {
    const edited = (edit: (m: WeightsManifest) => void) => {
      const m = structuredClone(model.manifest);
      edit(m);
      return () => compileGraph(m, 28);
    };
    const graph = (m: WeightsManifest) => m.architecture.graph;
    expect(
      edited((m) =>
        Object.assign(
          graph(m).find((o) => o.op === 'flatten')!,
          { order: 'HWC' },
        ),
      ),
    ).toThrow(/op 8 \(flatten → flat\): only CHW order/);
    expect(
      edited((m) =>
        Object.assign(
          graph(m).find((o) => o.op === 'max_pool2d')!,
          { k: 3 },
        ),
      ),
    ).toThrow(/op 4 \(max_pool2d → h2p\): only 2×2 pooling/);
    // A ReLU on the input image follows no conv or linear.
    expect(edited((m) => graph(m).unshift({ op: 'relu', input: 'image', output: 'image' }))).toThrow(
      /op 0 \(relu → image\): ReLU is only supported right after/,
    );
    // fc1 reading the un-pooled activations: 128·14·14 values, not 6272.
    expect(
      edited((m) =>
        Object.assign(
          graph(m).find((o) => o.op === 'flatten')!,
          { input: 'h3' },
        ),
      ),
    ).toThrow(/fc1\.weight: expects 6272 inputs, gets 128×14×14/);
  });

  it('the manifest check names what a classifier must have', () => {
    const broken = (edit: (m: Record<string, any>) => void) => {
      const m = structuredClone(model.manifest) as Record<string, any>;
      edit(m);
      return () => checkClassifierManifest(m, 'c.json');
    };
    expect(broken((m) => (m.architecture.type = 'unet'))).toThrow('c.json: architecture.type must be "cnn-classifier"');
    expect(broken((m) => (m.architecture.outputs = [{ name: 'logits' }]))).toThrow(
      'c.json: architecture.outputs must be [logits, features]',
    );
    expect(broken((m) => (m.format = 'onnx'))).toThrow('c.json: format must be "diffusion-sandbox-weights"');
  });
});
