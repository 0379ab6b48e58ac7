/**
 * TypeScript side of bench/quality/check_ug.py: Upsample Guidance composed from the float64 reference
 * (tests/reference/upsample-guidance.ts) exactly as tests/gpu/upsample-guidance.test.ts holds the page's WGSL wrapper
 * to it — guided(D(x; σ), D(P x; σ/m), σ, …) with D at 28 for the low branch — around a deterministic stand-in
 * denoiser (the same formula is in check_ug.py), so the check isolates the wrapper and its plumbing:
 *  - `wrapper`: random images and σ (inside and outside the η window) through the wrapped denoiser;
 *  - `runs`: exported size > 28 plans (plans.ts) executed by runPlanCpu on the wrapped stand-in from initialNoise at
 *    dim = size², as the browser's init-noise kernel draws it.
 *   node bench/quality/ts.mjs bench/quality/ug-reference.ts <configs.json> <out.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { initialNoise } from '../../src/sampling/noise';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';
import { lcg } from '../../tests/reference/random-mixture';
import { averagePool, guided } from '../../tests/reference/upsample-guidance';
import { exportPlan, type PlanConfig } from './plans';

const NATIVE = 28;

/** The stand-in D(x; σ) of a side×side image with class `label`: a Gaussian-like pull towards a class- and
 *  position-dependent pattern plus a nonlinear term, so pooling, σ/m and the window all show in the result. */
export function standIn(x: ArrayLike<number>, sigma: number, side: number, labels: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  const s2 = sigma * sigma;
  for (let i = 0; i < x.length; i++) {
    const n = Math.floor(i / (side * side));
    const p = i % (side * side);
    const mu =
      0.6 * Math.sin((0.37 * Math.floor(p / side) * NATIVE) / side + (0.23 * (p % side) * NATIVE) / side + labels[n]);
    out[i] = (x[i] + s2 * mu) / (1 + s2) + (0.1 * Math.tanh(x[i]) * sigma) / (1 + sigma);
  }
  return out;
}

/** The wrapped stand-in at one σ for the whole batch (as every plan denoise is). */
function ugDenoise(
  x: ArrayLike<number>,
  sigma: number,
  count: number,
  size: number,
  labels: ArrayLike<number>,
  w: number,
  eta: number,
): Float64Array {
  const m = size / NATIVE;
  const sigmas = new Float64Array(count).fill(sigma);
  const high = standIn(x, sigma, size, labels);
  const low = standIn(averagePool(x, count, size, m), sigma / m, NATIVE, labels);
  return guided(high, low, sigmas, count, size, m, w, eta);
}

interface WrapperCase {
  size: number;
  count: number;
  sigma: number;
  w: number;
  eta: number;
  seed: number;
}

export function main([input, output]: string[]): void {
  if (!input || !output) throw new Error('usage: ug-reference.ts <configs.json> <out.json>');
  const { wrapper, runs } = JSON.parse(readFileSync(input, 'utf8')) as { wrapper: WrapperCase[]; runs: PlanConfig[] };
  const registry = new WorldRegistry(shippedWorlds());
  const wrapperOut = wrapper.map((c) => {
    const u = lcg(c.seed);
    const x = Array.from({ length: c.count * c.size * c.size }, () => 3 * (2 * u() - 1));
    const labels = Array.from({ length: c.count }, (_, n) => n % 10);
    return { ...c, labels, x, out: Array.from(ugDenoise(x, c.sigma, c.count, c.size, labels, c.w, c.eta)) };
  });
  const runsOut = runs.map((config) => {
    const plan = exportPlan(config, registry);
    const ug = plan.upsampleGuidance;
    if (!plan.size || !ug || !plan.labels)
      throw new RangeError('ug-reference: runs need a size above 28, upsampleGuidance and labels');
    const labels = plan.labels;
    const denoiser: CpuDenoiser = {
      dim: plan.dim,
      key: () => `ug-reference:${plan.size}:${ug.weight}:${ug.eta}`,
      denoise: (x, sigma, out) => out.set(ugDenoise(x, sigma[0], plan.count, plan.size!, labels, ug.weight, ug.eta)),
    };
    const { samples } = runPlanCpu({ ...plan, sigmas: Float64Array.from(plan.sigmas), records: 0 }, denoiser, {
      noise: initialNoise(plan.seed, plan.count, plan.dim),
      count: plan.count,
      seed: plan.seed,
    });
    return { plan, samples: Array.from(samples) };
  });
  writeFileSync(output, JSON.stringify({ wrapper: wrapperOut, runs: runsOut }));
}
