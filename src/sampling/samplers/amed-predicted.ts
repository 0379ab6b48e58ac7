import { afsDirectionScale } from '../amed/step';
import { PlanBuilder, type Plan } from '../plan';

/**
 * AMED-Solver with the learned predictor (Zhou et al., CVPR 2024, Alg. 1 with AFS; zju-pi/diff-sampler
 * amed_sampler): the same steps as ./amed.ts with variant 'solver', but r, c — hence the mean-value time s — come per
 * sample from the predictor, which reads the bottleneck of the step's own evaluation D(x_n; t_n) (zeros at the AFS
 * step, which has none). So the NFE stays 2·steps − 1. Grid: σ_0 … σ_{N−1} = σ_min, no final step to 0.
 */
export function buildAmedPredictedPlan(sigmas: Float64Array, afs: boolean): Plan {
  const steps = sigmas.length - 1;
  const plan = new PlanBuilder(sigmas);
  for (let n = 0; n < steps; n++) {
    const [t, tNext] = [sigmas[n], sigmas[n + 1]];
    if (afs && n === 0) {
      plan.combine('d', [['x', afsDirectionScale(t)]]);
      plan.combine('D', [
        ['x', 1],
        ['d', -t],
      ]); // the D implied by the analytical direction, for the step scrubber
    } else {
      plan.denoise('x', t, 'D', { tap: true });
      plan.combine('d', [
        ['x', 1 / t],
        ['D', -1 / t],
      ]);
    }
    plan.predict(n, t, tNext, !(afs && n === 0));
    plan.record(n, 'x', 'D');
    plan.amedStep({ step: n, stage: 'y', dst: 'y', a: 'x', b: 'd', t, tNext });
    plan.denoise('y', t, 'Dy', { sigmaOfStep: n });
    plan.amedStep({ step: n, stage: 'x', dst: 'x', a: 'y', b: 'Dy', t, tNext });
  }
  return plan.record(steps, 'x', 'x').build();
}
