/**
 * The RK4 reference's step count (src/metrics/reference.ts), chosen from measurement: at REFERENCE_STEPS its own
 * discretisation error stays below the f32 floor of the GPU result it is computed as, on every 2D preset and on
 * reflowed pair flows, at the page's σ range and at the extremes the UI allows. RK4's global error is ∝ h⁴, so the
 * solve at 4N steps is 256× closer to the exact flow, and ref_N − ref_4N is ref_N's own error to within 0.4 %.
 * The floor is the same plan's f32 storage error (../reference/f32-floor.ts), measured per world and range.
 */
import { describe, expect, it } from 'vitest';
import { rmse } from '../../src/metrics/distances';
import { buildReferencePlan, REFERENCE_STEPS } from '../../src/metrics/reference';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { initialNoise } from '../../src/sampling/noise';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { GMM_PRESETS } from '../../src/worlds/gmm-presets';
import { runPlanF32Storage } from '../reference/f32-floor';
import { reflowedRing } from '../reference/reflowed-ring';

/** The reference's error must be this many times below the floor: it then adds at most 3 % to the f32 result's own
 *  RMS error (they add in quadrature: √(1 + 1/16) = 1.03). */
const MARGIN = 4;
/** The page's defaults, the widest range the UI allows (σ_max ≤ 1000, σ_min ≥ 1e-4: the longest log-σ interval,
 *  so the largest h), and the other two corners. */
const PAGE: [number, number] = [80, 0.002];
const WIDEST: [number, number] = [1000, 1e-4];
const CORNERS: Array<[number, number]> = [PAGE, WIDEST, [0.1, 1e-4], [1000, 10]];

/** ref_N's own error and the f32 floor of the same plan, both as the RMSE the page reads out. */
function errorAndFloor(denoiser: CpuDenoiser, [sigmaMax, sigmaMin]: [number, number], count: number, steps: number) {
  const noise = initialNoise(5, count, 2);
  const plan = buildReferencePlan(sigmaMax, sigmaMin, steps);
  const exact = runPlanCpu(plan, denoiser, { noise, count }).samples;
  const finer = runPlanCpu(buildReferencePlan(sigmaMax, sigmaMin, 4 * steps), denoiser, { noise, count }).samples;
  const stored = runPlanF32Storage(plan, denoiser, { noise, count });
  return { error: rmse(exact, finer, 2), floor: rmse(stored, exact, 2) };
}

describe(`the RK4 reference at ${REFERENCE_STEPS} steps is as exact as its f32 result`, () => {
  for (const preset of GMM_PRESETS) {
    for (const range of CORNERS) {
      it(`${preset.id}, σ ${range[0]} → ${range[1]}`, () => {
        const { error, floor } = errorAndFloor(gmmDenoiser(preset.spec()), range, 128, REFERENCE_STEPS);
        expect(error).toBeLessThan(floor / MARGIN);
      });
    }
  }

  // A pair flow's regression has already picked its pair below σ ≈ 0.1 (D is constant there), so only the ranges
  // that reach above it tell anything; the kernel bandwidths span the live reflow's choices.
  for (const bandwidth of [0.02, 0.05, 0.2]) {
    for (const range of [PAGE, WIDEST]) {
      it(`gmm:ring8 reflowed (bandwidth ${bandwidth}), σ ${range[0]} → ${range[1]}`, () => {
        const { error, floor } = errorAndFloor(reflowedRing(bandwidth), range, 32, REFERENCE_STEPS);
        expect(error).toBeLessThan(floor / MARGIN);
      });
    }
  }

  it('the check fails for too few steps: 20 on the page range, and 300 on the hardest case measured', () => {
    const ring = errorAndFloor(gmmDenoiser(GMM_PRESETS[0].spec()), PAGE, 128, 20);
    expect(ring.error).toBeGreaterThan(ring.floor / MARGIN);
    const moons = GMM_PRESETS.find((p) => p.id === 'gmm:moons')!.spec();
    const hardest = errorAndFloor(gmmDenoiser(moons), [0.1, 1e-4], 128, 300);
    expect(hardest.error).toBeGreaterThan(hardest.floor / MARGIN);
  });
});
