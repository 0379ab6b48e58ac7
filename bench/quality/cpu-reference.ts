/**
 * The float64 TypeScript executor (runPlanCpu) on 2D-mixture plans, with the exact mixture denoiser and the
 * counter-based noise: the reference bench/quality/check_gmm.py holds plan_executor.py + rng.py against.
 * An entry is a plan config, or `{ config, calibration }` for the AMED samplers (their plan is built from the
 * calibration by amed-plans.ts, as Sandbox.sample builds it after calibrating).
 *   node bench/quality/ts.mjs bench/quality/cpu-reference.ts <configs.json> <out.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { initialNoise } from '../../src/sampling/noise';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';
import { exportAmedPlan } from './amed-plans';
import { exportPlan, type PlanConfig } from './plans';

export function main([input, output]: string[]): void {
  if (!input || !output) throw new Error('usage: cpu-reference.ts <configs.json> <out.json>');
  const registry = new WorldRegistry(shippedWorlds());
  const entries = JSON.parse(readFileSync(input, 'utf8')) as Array<PlanConfig | AmedEntry>;
  const runs = entries.map((entry) => {
    const plan = isAmedEntry(entry) ? amedPlan(entry, registry) : exportPlan(entry, registry);
    const spec = registry.resolve(plan.world).spec;
    if (!spec) throw new RangeError(`${plan.world}: not a 2D mixture`);
    const { samples } = runPlanCpu({ ...plan, sigmas: Float64Array.from(plan.sigmas), records: 0 }, gmmDenoiser(spec), {
      noise: initialNoise(plan.seed, plan.count, plan.dim),
      count: plan.count,
      seed: plan.seed,
    });
    return { plan, spec, samples: Array.from(samples) };
  });
  writeFileSync(output, JSON.stringify(runs));
}

type AmedEntry = Parameters<typeof exportAmedPlan>[0] & { calibration: unknown };

/** Sample options may carry any sampler option key, so `in` cannot narrow the union: test the shape. */
const isAmedEntry = (entry: PlanConfig | AmedEntry): entry is AmedEntry =>
  'calibration' in entry && typeof entry.config === 'object';

/** An AMED plan in the shape of exportPlan's (the fields check_gmm.py reads). */
function amedPlan(entry: AmedEntry, registry: WorldRegistry) {
  const plan = exportAmedPlan(entry, registry);
  if (!('instrs' in plan)) throw new RangeError('cpu-reference: an AMED entry needs its calibration');
  return { ...plan, eta: 0, sigmaVar: 0 };
}
