/**
 * The f32 floor of a plan's GPU result, estimated in float64: the GPU executors upload every σ and combine
 * coefficient as f32 (fused-program.ts, run-gpu.ts) and hold every state and D(x; σ) in f32, so the float64 run of
 * the same plan with those coefficients rounded to f32 and D rounded at its input and output differs from the exact
 * float64 run by a part of the GPU's own rounding error (the kernels also round every combine and every exp and sum
 * inside D). On SwiftShader it sat below the GPU's own deviation from float64 in every case measured, by 1–10×
 * (docs/measured.md; tests/gpu/reference-floor.test.ts checks it): a floor, not a guess.
 */
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import type { Plan } from '../../src/sampling/plan';
import { runPlanCpu } from '../../src/sampling/run-cpu';

/** The plan with σ's and coefficients as the GPU uploads them (f32). */
function asUploaded(plan: Plan): Plan {
  const f = Math.fround;
  return {
    ...plan,
    sigmas: plan.sigmas.map(f),
    instrs: plan.instrs.map((i) => {
      if (i.op === 'denoise') return { ...i, sigma: f(i.sigma) };
      if (i.op === 'combine') return { ...i, terms: i.terms.map(([r, c]): [string, number] => [r, f(c)]) };
      return i;
    }),
  };
}

/** D with its input and output in f32, as a GPU buffer holds them. */
function inF32(denoiser: CpuDenoiser): CpuDenoiser {
  return {
    ...denoiser,
    denoise(x, sigma, out) {
      denoiser.denoise(x.map(Math.fround), sigma.map(Math.fround), out);
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]);
    },
  };
}

/** The plan's result with f32 storage and coefficients, computed in float64 otherwise. */
export function runPlanF32Storage(
  plan: Plan,
  denoiser: CpuDenoiser,
  options: { noise: ArrayLike<number>; count: number },
): Float64Array {
  return runPlanCpu(asUploaded(plan), inF32(denoiser), options).samples;
}
