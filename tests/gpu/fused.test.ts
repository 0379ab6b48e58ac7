/**
 * The fused executor (run-fused.ts: a whole plan per dispatch on point worlds) against the per-instruction executor
 * (run-gpu.ts), its oracle. Both do the same f32 operations in the same order (fused-point.wgsl is written op for op
 * after init-noise.wgsl, combine.wgsl and the world's standalone kernel, which share `denoise_point`), so every
 * result must be bit-identical: max deviation 0, no tolerance.
 */
import { describe, expect, it } from 'vitest';
import { buildReferencePlan } from '../../src/metrics/reference';
import { planFusedChunks } from '../../src/sampling/fused-chunks';
import { encodeFusedProgram } from '../../src/sampling/fused-program';
import type { Plan } from '../../src/sampling/plan';
import { SAMPLERS } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, karras } from '../../src/sampling/schedules';
import { lcg, randomMixture, randomNoise } from '../reference/random-mixture';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

type World = (
  { kind: 'gmm'; spec: unknown } | { kind: 'pairs'; noise: number[]; data: number[]; bandwidth: number }
) & {
  /** Hide the point form, as a wrapper that changes D would. */
  withoutPointForm?: boolean;
};
interface Run {
  plan: Plan;
  count: number;
  seed: number;
  noise?: number[];
  trajectory: boolean;
  maxWorkPerSubmit?: number;
}
interface Outcome {
  samples: number[];
  trajectory?: number[][];
  denoised?: number[][];
  dispatches: number;
  progress: number[];
}

const serial = (plan: Plan) => ({ ...plan, sigmas: Array.from(plan.sigmas) }) as unknown as Plan;

/** Runs each request with both executors (or the one named) on one world, counting dispatches by wrapping the
 *  compute pass encoder (the executors are not told). */
async function runOnPage(
  world: World,
  runs: Run[],
  executors: string[] = ['fused', 'per-instruction'],
): Promise<Outcome[][]> {
  return holder.session.page.evaluate(
    async (world, runs, executors) => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      const gpu = ctx.resources;
      const proto = GPUComputePassEncoder.prototype as any;
      const dispatch = proto.dispatchWorkgroups;
      let dispatches = 0;
      proto.dispatchWorkgroups = function (...args: unknown[]) {
        dispatches++;
        return dispatch.apply(this, args);
      };
      try {
        const worldDenoiser =
          world.kind === 'gmm'
            ? await h.createGmmDenoiser(gpu, world.spec)
            : await h.createPairFlowDenoiser(
                gpu,
                { noise: new Float32Array(world.noise), data: new Float32Array(world.data) },
                world.bandwidth,
              );
        const denoiser = world.withoutPointForm ? { ...worldDenoiser, point: undefined } : worldDenoiser;
        const out = [];
        for (const run of runs) {
          const plan = { ...run.plan, sigmas: new Float64Array(run.plan.sigmas as unknown as number[]) };
          const both = [];
          for (const executor of executors) {
            dispatches = 0;
            const progress: number[] = [];
            const r = await h.withErrorScopes(gpu.device, () =>
              h.runPlanGpu(gpu, {
                plan,
                denoiser,
                count: run.count,
                seed: run.seed,
                ...(run.noise ? { noise: new Float32Array(run.noise) } : {}),
                trajectory: run.trajectory,
                executor,
                maxWorkPerSubmit: run.maxWorkPerSubmit,
                onProgress: (f: number) => progress.push(f),
              }),
            );
            both.push({
              samples: Array.from(r.samples as Float32Array),
              trajectory: r.trajectory?.map((a: Float32Array) => Array.from(a)),
              denoised: r.denoised?.map((a: Float32Array) => Array.from(a)),
              dispatches,
              progress,
            });
          }
          out.push(both);
        }
        return out;
      } finally {
        proto.dispatchWorkgroups = dispatch;
        ctx.dispose();
      }
    },
    world,
    runs.map((r) => ({ ...r, plan: serial(r.plan) })),
    executors,
  );
}

/** Largest |a − b| over two equal-length lists, NaN-aware (a NaN anywhere must fail). */
function deviation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Object.is(a[i], b[i]) ? 0 : Math.abs(a[i] - b[i]) || Infinity);
  return m;
}

function expectIdentical([fused, oracle]: Outcome[], what: string) {
  expect(deviation(fused.samples, oracle.samples), `${what}: samples`).toBe(0);
  expect(fused.trajectory?.length, `${what}: trajectory length`).toBe(oracle.trajectory?.length);
  fused.trajectory?.forEach((t, k) => expect(deviation(t, oracle.trajectory![k]), `${what}: x at record ${k}`).toBe(0));
  fused.denoised?.forEach((t, k) => expect(deviation(t, oracle.denoised![k]), `${what}: D at record ${k}`).toBe(0));
}

const STEPS = 6;
/** Every registered sampler at its defaults (η and σ_var set so the noise paths run; AMED with fixed, uncalibrated
 *  (r, c)). */
function allPlans(): Array<[string, Plan]> {
  const grid = karras(STEPS, O);
  const toSigmaMin = grid.slice(0, -1);
  const amedSteps = Array.from({ length: STEPS - 1 }, (_, n) => ({ r: 0.3 + 0.1 * (n % 3), c: 1 + 0.01 * n }));
  const registered = SAMPLERS.map((s): [string, Plan] => {
    const options = { eta: 0.7, sigmaVar: 0.5 };
    // AMED as a calibration would leave it: fixed (r, c) handed to its builder as its prepare hook's result.
    const prepared = s.prepare ? { source: 'calibration', steps: amedSteps } : undefined;
    return [s.id, s.build(s.endsAtSigmaMin ? toSigmaMin : grid, options, prepared)];
  });
  return registered;
}

const COUNT = 70; // not a multiple of 64: the last workgroup is partly out of range
const mixture = { kind: 'gmm', spec: randomMixture(17, 5) } as const;
function pairWorld(): World {
  const u = lcg(5);
  const pairs = 24;
  return {
    kind: 'pairs',
    noise: Array.from({ length: 2 * pairs }, () => 6 * u() - 3),
    data: Array.from({ length: 2 * pairs }, () => 8 * u() - 4),
    bandwidth: 0.3,
  };
}

describe('the fused executor reproduces the per-instruction executor bit for bit', () => {
  const plans = allPlans();
  for (const [name, world] of [
    ['mixture', mixture],
    ['pair flow', pairWorld()],
  ] as const) {
    it(`every sampler on a ${name}, with and without trajectory, drawn and given noise`, async () => {
      const noise = Array.from(randomNoise(3, 2 * COUNT));
      const runs = plans.flatMap(([, plan], k): Run[] => [
        { plan, count: COUNT, seed: 11 + k, trajectory: true, ...(k % 2 ? { noise } : {}) },
        { plan, count: COUNT, seed: 11 + k, trajectory: false, ...(k % 2 ? {} : { noise }) },
      ]);
      const results = await runOnPage(world, runs);
      results.forEach((pair, i) => {
        const [id] = plans[i >> 1];
        const what = `${id} (${runs[i].trajectory ? 'trajectory' : 'samples only'})`;
        expectIdentical(pair, what);
        expect(pair[0].dispatches, `${what}: one dispatch`).toBe(1);
        if (runs[i].trajectory) expect(pair[0].trajectory!.length).toBe(runs[i].plan.records);
      });
    });
  }
});

describe('chunking', () => {
  const euler50 = SAMPLERS.find((s) => s.id === 'euler')!.build(karras(50, O), { eta: 0 });
  const spec = randomMixture(23, 4);

  it('a 50-step Euler run with trajectory is one dispatch (the per-instruction executor: 203)', async () => {
    const [[fused, oracle]] = await runOnPage({ kind: 'gmm', spec }, [
      { plan: euler50, count: 256, seed: 1, trajectory: true },
    ]);
    expectIdentical([fused, oracle], 'euler 50');
    expect(fused.dispatches).toBe(1);
    expect(oracle.dispatches).toBe(203);
  });

  it('chunks of particles and chunks of instructions give the same bits, one dispatch per chunk', async () => {
    const count = 600;
    const program = encodeFusedProgram(euler50, false);
    // costPerSample of a mixture is its number of components (4): 50 evaluations cost 200 per particle.
    const budgets = { particles: 256 * 200, instructions: count * 4 * 7 };
    const runs: Run[] = Object.values(budgets).map((maxWorkPerSubmit) => ({
      plan: euler50,
      count,
      seed: 5,
      trajectory: true,
      maxWorkPerSubmit,
    }));
    const results = await runOnPage({ kind: 'gmm', spec }, runs);
    const expected = Object.values(budgets).map((w) => planFusedChunks(count, 4, program.evals, w));
    expect(expected[0].map((c) => c.samples)).toEqual([256, 256, 88]);
    expect(expected[0].every((c) => c.instrBegin === 0 && c.instrEnd === program.length)).toBe(true);
    expect(expected[1].length).toBe(8);
    expect(expected[1].every((c) => c.samples === count)).toBe(true);
    results.forEach((pair, k) => {
      expectIdentical(pair, Object.keys(budgets)[k]);
      expect(pair[0].dispatches).toBe(expected[k].length);
      expect(pair[0].progress.length).toBe(expected[k].length);
      expect(pair[0].progress.at(-1)).toBeCloseTo(1, 12);
    });
  });

  it('the RK4 reference plan runs fused in instruction chunks and matches', async () => {
    const plan = buildReferencePlan(80, 0.002, 40);
    const count = 96;
    const [[fused, oracle]] = await runOnPage({ kind: 'gmm', spec }, [
      {
        plan,
        count,
        seed: 2,
        noise: Array.from(randomNoise(9, 2 * count)),
        trajectory: false,
        maxWorkPerSubmit: count * 4 * 13,
      },
    ]);
    expectIdentical([fused, oracle], 'rk4');
    expect(fused.dispatches).toBe(Math.ceil(plan.nfe / 13));
  });
});

describe('choosing the executor', () => {
  const plan = SAMPLERS.find((s) => s.id === 'heun')!.build(karras(4, O), { eta: 0 });

  it("'auto' runs fused when the denoiser has a point form, per instruction when it has none", async () => {
    const run = { plan, count: 64, seed: 1, trajectory: false };
    const [[auto, oracle]] = await runOnPage(mixture, [run], ['auto', 'per-instruction']);
    const [[hidden]] = await runOnPage({ ...mixture, withoutPointForm: true }, [run], ['auto']);
    expect(auto.dispatches).toBe(1);
    expect(hidden.dispatches).toBe(oracle.dispatches);
    expect(oracle.dispatches).toBeGreaterThan(plan.nfe);
    expect(deviation(hidden.samples, auto.samples)).toBe(0);
  });

  it("'fused' rejects a plan with an op the kernel lacks", async () => {
    const withPredict = {
      ...plan,
      instrs: [{ op: 'predict', step: 0, t: 80, tNext: 1, bottleneck: false }, ...plan.instrs],
    } as Plan;
    const message = await holder.session.page.evaluate(async (plan) => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      try {
        const denoiser = await h.createGmmDenoiser(ctx.resources, {
          type: 'gmm',
          means: [[0, 0]],
          stds: [1],
          weights: [1],
        });
        await h.runPlanGpu(ctx.resources, {
          plan: { ...plan, sigmas: new Float64Array(plan.sigmas) },
          denoiser,
          count: 4,
          seed: 0,
          executor: 'fused',
        });
        return 'ran';
      } catch (e) {
        return String(e);
      } finally {
        ctx.dispose();
      }
    }, serial(withPredict));
    expect(message).toContain('fused executor cannot run this plan');
  });
});
