/**
 * The teacher of AMED's forward-only calibration (./calibrate.ts): Heun (EDM Alg. 1, Karras et al. 2022) on
 * `substeps` log-uniform sub-steps per student interval, recording x at every student σ_n. Written as a Plan, so
 * the engine runs the whole teacher as one plan (one dispatch per submission on a point world, run-fused.ts) rather
 * than as one round trip per evaluation.
 */
import { PlanBuilder, type Plan } from '../plan';

export function teacherPlan(sigmas: ArrayLike<number>, substeps: number): Plan {
  const plan = new PlanBuilder(Float64Array.from(sigmas));
  plan.record(0, 'x', 'x');
  for (let n = 0; n + 1 < sigmas.length; n++) {
    const [a, b] = [Math.log(sigmas[n]), Math.log(sigmas[n + 1])];
    for (let k = 0; k < substeps; k++) {
      const t = Math.exp(a + ((b - a) * k) / substeps);
      const tNext = k + 1 === substeps ? sigmas[n + 1] : Math.exp(a + ((b - a) * (k + 1)) / substeps);
      const h = tNext - t;
      // d = (x − D)/t; Euler x_e = x + h·d; then x' = x + (h/2)·(d + (x_e − D_e)/t'), expanded over x, D, x_e, D_e.
      plan.denoise('x', t, 'D');
      plan.combine('xe', [
        ['x', 1 + h / t],
        ['D', -h / t],
      ]);
      plan.denoise('xe', tNext, 'De');
      plan.combine('x', [
        ['x', 1 + h / (2 * t)],
        ['D', -h / (2 * t)],
        ['xe', h / (2 * tNext)],
        ['De', -h / (2 * tNext)],
      ]);
    }
    // The denoised slot of a record is unused here: x stands in for it.
    plan.record(n + 1, 'x', 'x');
  }
  return plan.build();
}
