/**
 * Live ReFlow for 2D worlds (Liu et al. 2023, Alg. 1): draw noise, carry it through the world's own flow with an
 * accurate solver to get pairs (ε, x0), fit the reflowed flow to the pairs (kernel regression, bandwidth by
 * held-out denoising error), and register the result as a new world any sampler can use. Repeatable: reflowing a
 * reflowed world gives 3-RF, and so on.
 */
import { withErrorScopes } from '../gpu/error-scope';
import { CancelledError } from '../gpu/errors';
import type { GpuContext } from '../gpu/context';
import { straightness } from '../metrics/straightness';
import { denoiseGpu } from '../sampling/denoise-gpu';
import { initialNoise } from '../sampling/noise';
import { pairFlowWorld, type Pairs } from '../worlds/pair-flow';
import type { WorldRegistry, WorldArg } from '../worlds/registry';
import type { World } from '../worlds/types';
import type { SampleOptions } from './options';
import { integerIn, optionalFunction, optionalSignal, requireObject } from './validate';

export interface ReflowOptions {
  world: WorldArg;
  /** Number of (ε, x0) pairs (default 10 000). */
  pairs?: number;
  /** Heun steps of the teacher solve that makes the pairs (default 64). */
  teacherSteps?: number;
  seed?: number;
  onProgress?: (fraction: number, phase: string) => void;
  signal?: AbortSignal;
}

export interface ReflowResult {
  world: string;
  straightnessBefore: number;
  straightnessAfter: number;
  bandwidth: number;
  pairs: number;
}

const BANDWIDTHS = [0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2];
const STRAIGHTNESS_SAMPLES = 128;
const STRAIGHTNESS_STEPS = 32;

/** The Sandbox's sample(), typed by the fields reflow reads, so this module does not import sandbox.ts (which
 *  imports it). */
type Sample = (
  options: SampleOptions,
) => Promise<{ samples: Float32Array; sigmas: Float64Array; trajectory?: Float32Array[] }>;

export async function reflow(
  options: ReflowOptions,
  deps: { registry: WorldRegistry; gpu: GpuContext; sample: Sample },
): Promise<ReflowResult> {
  options = requireObject(options, 'options') as unknown as typeof options;
  const parent = deps.registry.resolve(options.world);
  if (parent.kind !== '2d')
    throw new RangeError(
      `world: live reflow needs a 2D world; ${parent.id} is an image world (its reflows ship offline, as members of its family)`,
    );
  const count = integerIn(options.pairs ?? 10_000, 'pairs', 500, 65_536);
  const teacherSteps = integerIn(options.teacherSteps ?? 64, 'teacherSteps', 8, 1000);
  const seed = integerIn(options.seed ?? 1, 'seed', 0, 0xffffffff);
  optionalFunction(options.onProgress, 'onProgress');
  optionalSignal(options.signal);
  const progress = options.onProgress ?? (() => {});

  // 1. Pairs from the parent's flow, from explicit noise so ε is known exactly.
  progress(0, 'pairs');
  const noise = initialNoise(seed, count, 2);
  // The teacher solve is most of the cost (a reflowed parent is a regression over all its pairs at every step):
  // its own progress fills this phase, so a long one is seen to move.
  const solved = await deps.sample({
    world: parent.id,
    sampler: 'heun',
    steps: teacherSteps,
    noise,
    seed,
    signal: options.signal,
    onProgress: (fraction) => progress(0.3 * fraction, 'pairs'),
  });
  const pairs: Pairs = { noise, data: solved.samples };

  // 2. Bandwidth by held-out denoising error at random τ (the reflow objective, up to weighting).
  progress(0.3, 'bandwidth');
  const bandwidth = await chooseBandwidth(pairs, parent, deps.gpu, seed, options.signal);

  // 3. The new world, then straightness before and after on the worlds' own trajectories.
  const level = (/:(\d+)rf$/.exec(parent.id)?.[1] ?? '1') as string;
  const base = parent.id.replace(/:\d+rf$/, '');
  const id = `${base}:${Number(level) + 1}rf`;
  const world = pairFlowWorld(
    id,
    `${parent.label.replace(/ \(\d+-RF\)$/, '')} (${Number(level) + 1}-RF)`,
    parent,
    pairs,
    bandwidth,
  );
  deps.registry.register(world);
  progress(0.5, 'straightness');
  const measure = async (w: World) => {
    const r = await deps.sample({
      world: w.id,
      sampler: 'heun',
      steps: STRAIGHTNESS_STEPS,
      schedule: 'linear_t',
      count: STRAIGHTNESS_SAMPLES,
      seed: seed + 1,
      trajectory: true,
      signal: options.signal,
    });
    return straightness(r.trajectory!, r.sigmas, 2);
  };
  const straightnessBefore = await measure(parent);
  progress(0.75, 'straightness');
  const straightnessAfter = await measure(world);
  progress(1, 'done');
  return { world: id, straightnessBefore, straightnessAfter, bandwidth, pairs: count };
}

async function chooseBandwidth(
  pairs: Pairs,
  parent: World,
  gpu: GpuContext,
  seed: number,
  signal?: AbortSignal,
): Promise<number> {
  const total = pairs.noise.length / 2;
  const held = Math.max(200, Math.floor(total / 10));
  const train: Pairs = {
    noise: pairs.noise.slice(0, 2 * (total - held)),
    data: pairs.data.slice(0, 2 * (total - held)),
  };
  const x = new Float32Array(2 * held);
  const sigma = new Float32Array(held);
  const taus = initialNoise(seed + 7, held, 1); // a standard normal per point → τ = Φ-like squash into (0, 1)
  for (let i = 0; i < held; i++) {
    const tau = 1 / (1 + Math.exp(-taus[i])); // logit-normal τ, as rectified-flow training samples it
    sigma[i] = tau / (1 - tau);
    for (let e = 0; e < 2; e++) {
      const k = 2 * (total - held + i) + e;
      x[2 * i + e] = ((1 - tau) * pairs.data[k] + tau * pairs.noise[k]) * (1 + sigma[i]);
    }
  }
  let best = { bandwidth: BANDWIDTHS[0], error: Infinity };
  for (const bandwidth of BANDWIDTHS) {
    if (signal?.aborted) throw new CancelledError();
    const candidate = pairFlowWorld('held-out', 'held-out', parent, train, bandwidth);
    const D = await gpu.run(async (g) =>
      withErrorScopes(g.device, async () => denoiseGpu(g, await candidate.gpuDenoiser(g), x, sigma)),
    );
    let error = 0;
    for (let i = 0; i < held; i++)
      for (let e = 0; e < 2; e++) error += (D[2 * i + e] - pairs.data[2 * (total - held + i) + e]) ** 2;
    if (error < best.error) best = { bandwidth, error };
  }
  return best.bandwidth;
}
