/**
 * The high-accuracy reference a sampler's output is measured against: the same probability-flow ODE from the same
 * noise, solved by classical RK4 in s = log σ (dx/ds = x − D(x; e^s)), REFERENCE_STEPS steps from σ_max to σ_min,
 * then D(x; σ_min) (the last Euler step to 0). Written as a Plan, so the GPU and the float64 executor both run it.
 */
import { PlanBuilder, type Plan } from '../sampling/plan';

/**
 * The page computes the reference in f32, so its accuracy ends at the f32 floor: the RMS deviation from float64 that
 * f32 storage of the states, D and the coefficients alone causes, 3e-7 to 2e-5 on the 2D worlds (the GPU's own
 * deviation, measured on SwiftShader, is 1–10× more; docs/measured.md). RK4's global error is ∝ h⁴ with
 * h = log(σ_max/σ_min)/N, so steps past the floor buy nothing, and more steps even raise the floor (more roundings:
 * about 3e-5 at 1000 steps against 1e-5 at 300 on the ring of 8, on the GPU). 350 is the fewest, in steps of 50, at
 * which the error (ref_N − ref_4N) stays 4× below the floor on every 2D preset and reflowed pair flow, at the page's σ
 * range and the UI's extremes (tests/unit/reference-steps.test.ts): 4.4× at worst (a reflowed ring at σ 1000 → 1e-4),
 * 90× and more on the mixtures at the page's range. At 300 the two moons started at σ_max = 0.1 miss (2×). A solve
 * costs 4N + 1 evaluations: 1401 against the former 4001.
 */
export const REFERENCE_STEPS = 350;

/** Float64 tables (bench/catalogue-tables.ts) measure samplers' errors far below the f32 floor, so their reference
 *  must sit below those instead: 1000 steps put RK4's own error at about 6e-9 (max) on the ring of 8. */
export const FLOAT64_REFERENCE_STEPS = 1000;

export function buildReferencePlan(sigmaMax: number, sigmaMin: number, steps = REFERENCE_STEPS): Plan {
  const sigmas = Float64Array.of(sigmaMax, sigmaMin, 0);
  const plan = new PlanBuilder(sigmas);
  const sMax = Math.log(sigmaMax);
  const h = (Math.log(sigmaMin) - sMax) / steps;
  for (let i = 0; i < steps; i++) {
    const s = sMax + i * h;
    const sigmaStart = Math.exp(s);
    const sigmaMid = Math.exp(s + h / 2);
    const sigmaEnd = Math.exp(s + h);
    // k1 = x − D1; stage states y2 = x + (h/2)k1, y3 = x + (h/2)k2, y4 = x + h·k3 with k_j = y_j − D_j;
    // x_{i+1} = x + (h/6)(k1 + 2k2 + 2k3 + k4), accumulated in `acc` so no combine needs more than three inputs.
    plan.denoise('x', sigmaStart, 'D');
    plan.combine('y', [
      ['x', 1 + h / 2],
      ['D', -h / 2],
    ]);
    plan.combine('acc', [
      ['x', 1 + h / 6],
      ['D', -h / 6],
    ]);
    plan.denoise('y', sigmaMid, 'D');
    plan.combine('acc', [
      ['acc', 1],
      ['y', h / 3],
      ['D', -h / 3],
    ]);
    plan.combine('y', [
      ['x', 1],
      ['y', h / 2],
      ['D', -h / 2],
    ]);
    plan.denoise('y', sigmaMid, 'D');
    plan.combine('acc', [
      ['acc', 1],
      ['y', h / 3],
      ['D', -h / 3],
    ]);
    plan.combine('y', [
      ['x', 1],
      ['y', h],
      ['D', -h],
    ]);
    plan.denoise('y', sigmaEnd, 'D');
    plan.combine('x', [
      ['acc', 1],
      ['y', h / 6],
      ['D', -h / 6],
    ]);
  }
  plan.denoise('x', sigmaMin, 'D');
  plan.combine('x', [['D', 1]]);
  return plan.build();
}
