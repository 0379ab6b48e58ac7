/**
 * The manifest graph → step list compiler and the activation memory plan (src/worlds/unet/graph.ts, memory.ts),
 * on the exported model, in Node: the fused steps compute the same function as the manifest graph (float64), the
 * references reproduce the PyTorch goldens, and no buffer is overwritten while a later step still needs it.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph, stepInputs, type CompiledGraph } from '../../src/worlds/unet/graph';
import type { Manifest } from '../../src/worlds/unet/manifest';
import { maxChunkSamples, planMemory } from '../../src/worlds/unet/memory';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { runGraph } from '../reference/nn-ops';
import { runSteps } from '../reference/nn-steps';

const model = loadModelFromDisk();
const golden = loadGolden();
const unet28 = golden.cases.get('unet_28')!;
const z28 = unet28.arrays.get('z')!.data;

describe('manifest graph compiler', () => {
  it('the goldens were made from the exported weights', () => {
    expect(golden.weightsSha256).toBe(model.manifest.sha256);
  });

  it('the float64 reference interpreter of the manifest graph reproduces the PyTorch goldens (unet_28, unet_56)', () => {
    for (const name of ['unet_28', 'unet_56']) {
      const c = golden.cases.get(name)!;
      const size = c.arrays.get('z')!.shape[2];
      const env = runGraph(model.manifest, model.tensors, c.arrays.get('z')!.data, c.sigma!, c.labels!, size);
      for (const [tap, { data }] of c.arrays) {
        if (['x', 'z', 'D'].includes(tap)) continue;
        const value = env.get(tap === 'time_features' ? 'tf' : tap)!.data;
        // The goldens are float64 results stored as float32: agreement to a few f32 ulps of the scale.
        expect(relativeToScale(value, data), `${name} ${tap}`).toBeLessThan(1e-6);
      }
    }
  }, 60_000);

  it('fuses SiLU, channel biases and residuals, the whole conditioning chain into one step, and each skip projection into its 3×3 conv', () => {
    const g = compileGraph(model.manifest, 28);
    const ops = g.steps.map((s) => s.op);
    const blocks = new Set(model.manifest.architecture.graph.filter((o) => o.block).map((o) => o.block)).size;
    const projections = model.manifest.architecture.graph.filter((o) => o.op === 'conv2d' && o.k === 1).length;
    // Time features, the time MLP, the class embedding and the stacked block projections: one step, first.
    expect(ops[0]).toBe('embedding');
    expect(ops.filter((o) => ['embedding', 'time_features', 'linear', 'class_embedding'].includes(o))).toEqual([
      'embedding',
    ]);
    const embedding = g.steps[0];
    expect(embedding.op === 'embedding' && embedding.last.weights).toHaveLength(blocks);
    // Every block's second conv adds its input: as read, or through the block's 1×1 skip projection.
    expect(ops).not.toContain('conv1x1');
    expect(g.steps.filter((s) => s.op === 'conv3x3' && s.projection)).toHaveLength(projections);
    expect(g.steps.filter((s) => s.op === 'conv3x3' && (s.residual || s.projection))).toHaveLength(blocks);
    expect(g.steps.filter((s) => s.op === 'conv3x3' && s.channelBias)).toHaveLength(blocks);
    expect(g.steps.filter((s) => s.op === 'group_norm' && s.silu)).toHaveLength(2 * blocks + 1);
    expect(g.shapes.get(g.output)).toEqual({ c: 1, h: 28, w: 28 });
  });

  it('leaves the conditioning chain and a skip projection as separate steps when one of their values is kept', () => {
    const g = compileGraph(model.manifest, 28, ['tf', 'up.1.s']);
    const ops = g.steps.map((s) => s.op);
    expect(ops).not.toContain('embedding');
    expect(ops.filter((o) => o === 'linear')).toHaveLength(3); // time MLP ×2, stacked block projections
    expect(ops.filter((o) => o === 'time_features' || o === 'class_embedding')).toHaveLength(2);
    const skip = g.steps.filter((s) => s.op === 'conv1x1');
    expect(skip.map((s) => s.output)).toEqual([g.finalNames.get('up.1.s')]);
    expect(g.steps.filter((s) => s.op === 'conv3x3' && s.residual === skip[0].output)).toHaveLength(1);
    expect(g.steps.filter((s) => s.op === 'conv3x3' && s.projection)).toHaveLength(3);
  });

  it('folds every concat and upsampling into the GroupNorm and skip projection that read it, unless the value is kept', () => {
    const g = compileGraph(model.manifest, 28);
    const ops = g.steps.map((s) => s.op);
    expect(ops.filter((o) => o === 'concat' || o === 'upsample')).toEqual([]);
    const concatOf = (s: (typeof g.steps)[number]) =>
      s.op === 'group_norm' ? s.concat : s.op === 'conv3x3' ? s.projection?.concat : undefined;
    const readers = g.steps.filter((s) => concatOf(s));
    // Three decoder blocks, each a GroupNorm and a skip projection over [decoder state, skip]; the two upper blocks
    // read the decoder state at half resolution.
    expect(readers.map((s) => s.op)).toEqual([
      'group_norm',
      'conv3x3',
      'group_norm',
      'conv3x3',
      'group_norm',
      'conv3x3',
    ]);
    expect(readers.map((s) => concatOf(s)!.upsampledFirst)).toEqual([false, false, true, true, true, true]);
    // 47 steps before folding and fusing; the network is these and the EDM exit (the entry runs in the first step).
    expect(g.steps).toHaveLength(34);
    const kept = compileGraph(model.manifest, 28, ['up.1.upsampled', 'up.2.cat']);
    expect(kept.steps.map((s) => s.op).filter((o) => o === 'concat' || o === 'upsample')).toEqual([
      'upsample',
      'concat',
    ]);
  });

  it('the fused step list computes the manifest graph exactly (float64) at 28, and at 56 on a 2× image', () => {
    for (const size of [28, 56]) {
      const g = compileGraph(model.manifest, size);
      const z = size === 28 ? z28 : Float64Array.from({ length: 2 * size * size }, (_, i) => Math.sin(i * 0.37) * 1.5);
      const [sigma, labels] =
        size === 28
          ? [unet28.sigma!, unet28.labels!]
          : [
              [0.7, 12],
              [4, 10],
            ];
      const graphEnv = runGraph(model.manifest, model.tensors, z, sigma, labels, size);
      const stepEnv = runSteps(g, model.tensors, z, sigma, labels);
      for (const name of ['h.in', 'down.0.out', 'mid.out', 'up.2.out', 'v']) {
        expect(
          relativeToScale(stepEnv.get(g.finalNames.get(name)!)!, graphEnv.get(name)!.data),
          `${size} ${name}`,
        ).toBeLessThan(1e-12);
      }
    }
  }, 60_000);

  it('rejects what the kernels do not implement, naming the op', () => {
    const edited = (edit: (m: Manifest) => void) => {
      const m = structuredClone(model.manifest);
      edit(m);
      return () => compileGraph(m, 28);
    };
    expect(
      edited((m) =>
        Object.assign(
          m.architecture.graph.find((o) => o.op === 'conv2d')!,
          { k: 5, pad: 2 },
        ),
      ),
    ).toThrow(/op \d+ \(conv2d → h\.in\): only k=3 pad=1 and k=1 pad=0 at stride 1 are implemented, got k=5 pad=2/);
    expect(
      edited((m) =>
        Object.assign(
          m.architecture.graph.find((o) => o.op === 'avg_pool2d')!,
          { k: 4 },
        ),
      ),
    ).toThrow(/only 2×2 pooling/);
    expect(edited((m) => m.architecture.graph.splice(1, 0, { op: 'silu', input: 'z', output: 'z2' }))).toThrow(
      /op 1 \(silu → z2\): SiLU is only supported/,
    );
    expect(edited((m) => (m.architecture.graph[1] = { ...m.architecture.graph[1], op: 'gelu' } as never))).toThrow(
      /op 1 \(gelu → temb\): unknown op/,
    );
    expect(edited((m) => Object.assign(m.architecture.graph[1], { input: 'nothing' }))).toThrow(
      /reads "nothing" before anything writes it/,
    );
    expect(() => compileGraph(model.manifest, 30)).toThrow(/concat .*differ; the image size must be a multiple of 4/);
  });
});

/** Replays the plan: every value a step reads must still be in its slot (nothing wrote that slot since). */
function checkPlan(g: CompiledGraph, keep: string[] = []) {
  const plan = planMemory(g, keep);
  const holder = new Map<number, string>([[plan.slotOf.get(g.input)!, g.input]]);
  for (const s of g.steps) {
    for (const v of stepInputs(s)) expect(holder.get(plan.slotOf.get(v)!), `${s.output} reads ${v}`).toBe(v);
    const slot = plan.slotOf.get(s.output)!;
    expect(
      stepInputs(s).map((v) => plan.slotOf.get(v)),
      `${s.output} writes a slot it reads`,
    ).not.toContain(slot);
    expect(plan.slotElements[slot]).toBeGreaterThanOrEqual(
      g.shapes.get(s.output)!.c * g.shapes.get(s.output)!.h * g.shapes.get(s.output)!.w,
    );
    holder.set(slot, s.output);
  }
  for (const v of [g.input, g.output, ...keep])
    expect(holder.get(plan.slotOf.get(v)!), `${v} survives to the end`).toBe(v);
  return plan;
}

describe('activation memory plan', () => {
  it('never overwrites a value before its last reader, keeps z, v and requested taps, and reuses buffers', () => {
    for (const size of [28, 56, 112]) {
      const g = compileGraph(model.manifest, size);
      const plan = checkPlan(g);
      expect(plan.slotElements.length).toBeLessThan(g.steps.length / 3);
      const keep = ['h.in', 'down.0.out', 'mid.out', 'up.1.out'].map((n) => g.finalNames.get(n)!);
      checkPlan(g, keep);
    }
  });

  it('sizes chunks from the device limits and the budget, and refuses a sample that cannot fit one binding', () => {
    const plan = planMemory(compileGraph(model.manifest, 112));
    const perSample = 4 * plan.slotElements.reduce((a, b) => a + b, 0);
    const largest = 4 * Math.max(...plan.slotElements);
    expect(
      maxChunkSamples(plan, { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 }, 10 * perSample),
    ).toBe(10);
    expect(
      maxChunkSamples(plan, { maxStorageBufferBindingSize: 3 * largest, maxBufferSize: 2 ** 30 }, 100 * perSample),
    ).toBe(3);
    expect(maxChunkSamples(plan, { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 }, 1)).toBe(1);
    expect(() => maxChunkSamples(plan, { maxStorageBufferBindingSize: largest - 4, maxBufferSize: 2 ** 30 })).toThrow(
      /size: one sample needs a \d+-byte activation buffer/,
    );
  });
});
