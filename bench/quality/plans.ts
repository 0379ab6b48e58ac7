/**
 * The plan exporter: resolves run configs exactly as `Sandbox.sample` does (resolveSampleOptions with the
 * WorldRegistry, then the sampler's own plan builder) and writes the plans as JSON, so bench/quality/*.py execute
 * the very samplers the page runs. JSON keeps every float64 coefficient exact (shortest round-trip decimal).
 *   node bench/quality/ts.mjs bench/quality/plans.ts <configs.json> <plans.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolveSampleOptions, type SampleOptions } from '../../src/api/options';
import type { Instr } from '../../src/sampling/plan';
import { WorldRegistry } from '../../src/worlds/registry';

/** One run: any `sample` option that JSON can carry; world defaults to 'fmnist' and label to 'mixed' there. */
export type PlanConfig = Omit<SampleOptions, 'world' | 'noise' | 'signal' | 'onProgress' | 'trajectory'> & { world?: string };

export interface ExportedPlan {
  config: PlanConfig;
  world: string;
  sampler: string;
  samplerLabel: string;
  schedule: string;
  steps: number;
  eta: number;
  sigmaVar: number;
  seed: number;
  count: number;
  dim: number;
  /** One class per sample (image worlds), or null for the null class / a 2D world. */
  labels: number[] | null;
  sigmas: number[];
  instrs: Instr[];
  registers: string[];
  nfe: number;
}

export function exportPlan(config: PlanConfig, registry = new WorldRegistry()): ExportedPlan {
  const world = config.world ?? 'fmnist';
  const image = registry.resolve(world).image !== undefined;
  const run = resolveSampleOptions({ ...config, world, ...(image ? { label: config.label ?? 'mixed' } : {}) }, registry);
  // The Python executor runs the plain (conditional) network at 28×28; guidance wrappers are not ported.
  if (run.cfg !== 1 || run.upsampleGuidance || (run.size !== undefined && run.size !== run.world.image?.size)) {
    throw new RangeError(`${run.sampler.id}: cfg, size and upsampleGuidance are not supported by the Python executor`);
  }
  if (run.sampler.calibrated) throw new RangeError(`${run.sampler.id}: needs an AMED calibration, which this exporter does not compute yet`);
  const plan = run.sampler.build(run.sigmas, { eta: run.eta, sigmaVar: run.sigmaVar });
  return {
    config,
    world: run.world.id,
    sampler: run.sampler.id,
    samplerLabel: run.sampler.label,
    schedule: run.schedule,
    steps: run.steps,
    eta: run.eta,
    sigmaVar: run.sigmaVar,
    seed: run.seed,
    count: run.count,
    dim: run.dim,
    labels: run.labels ? Array.from(run.labels) : null,
    sigmas: Array.from(plan.sigmas),
    instrs: plan.instrs,
    registers: plan.registers,
    nfe: plan.nfe,
  };
}

export function main([input, output]: string[]): void {
  if (!input || !output) throw new Error('usage: plans.ts <configs.json> <plans.json>');
  const configs = JSON.parse(readFileSync(input, 'utf8')) as PlanConfig[];
  const registry = new WorldRegistry();
  writeFileSync(output, JSON.stringify(configs.map((c) => exportPlan(c, registry))));
}
