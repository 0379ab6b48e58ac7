/**
 * The high-accuracy reference a sampler's output is measured against: the same probability-flow ODE from the same
 * noise, solved by classical RK4 in s = log σ (dx/ds = x − D(x; e^s)), 1000 steps from σ_max to σ_min, then
 * D(x; σ_min) (the last Euler step to 0). Written as a Plan, so the GPU and the float64 executor both run it.
 * RK4's error at 1000 log-steps is far below f32 rounding here, so the reference is as exact as the arithmetic.
 */
import { PlanBuilder, type Plan } from '../sampling/plan';

const REFERENCE_STEPS = 1000;

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
