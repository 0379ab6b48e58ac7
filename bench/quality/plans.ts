/**
 * The plan exporter: resolves run configs exactly as `Sandbox.sample` does (resolveSampleOptions with the
 * WorldRegistry, then the sampler's own plan builder) and writes the plans as JSON, so bench/quality/*.py execute
 * the very samplers the page runs. JSON keeps every float64 coefficient exact (shortest round-trip decimal).
 *   node bench/quality/ts.mjs bench/quality/plans.ts <configs.json> <plans.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolveSampleOptions, type SampleOptionsWithout } from '../../src/api/options';
import { isGuided } from '../../src/guidance/upsample';
import type { Instr } from '../../src/sampling/plan';
import { gitsGridOf, type GitsCalibration } from '../../src/sampling/gits/calibrations';
import { gitsSettings } from '../../src/sampling/gits/options';
import { karras } from '../../src/sampling/schedules';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';

/** One run: any `sample` option that JSON can carry; world defaults to 'fmnist' and label to 'mixed' there. */
export type PlanConfig = SampleOptionsWithout<'world' | 'noise' | 'signal' | 'onProgress' | 'trajectory'> & {
  world?: string;
  /** Schedule 'gits': the path of a search made by gits-calibrate.ts for this world (its cost matrix gives the grid
   *  at any step count and coeff). */
  gitsCalibration?: string;
};

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
  /** Image side (the world's native side unless the config asks for another). */
  size: number | null;
  /** Upsample Guidance as resolved (defaults filled in), or null: the Python side wraps its denoiser with it. */
  upsampleGuidance: { weight: number; eta: number } | null;
  /** Network cost in full-size evaluations, as Sandbox.sample reports it: nfe + 1/m² per guided denoise. */
  cost: number;
  /** Skip-Tuning's ρ as resolved (null when off): the Python side passes it to the network (model.py rho_*). */
  skipTuning: { bottom: number; top: number } | null;
  /** The CFG scale s as resolved (1: the conditional network alone): the Python side wraps its denoiser with it. */
  cfg: number;
}

/** The run's grid: the schedule's, or for GITS the one the search in `config.gitsCalibration` gives. */
function gridOf(config: PlanConfig, run: ReturnType<typeof resolveSampleOptions>): Float64Array {
  if (!run.scheduleInfo.prepare) return run.sigmas;
  if (!config.gitsCalibration)
    throw new RangeError(
      `${run.schedule}: needs a search; make one with gits-calibrate.ts, name it in gitsCalibration`,
    );
  const made = JSON.parse(readFileSync(config.gitsCalibration, 'utf8')) as GitsCalibration | GitsCalibration[];
  const settings = gitsSettings(run.scheduleParams);
  const fine = karras(settings.finePoints, run).subarray(0, settings.finePoints);
  const match = [made]
    .flat()
    .find(
      (c) =>
        c.world === run.world.id &&
        c.metric === settings.metric &&
        c.count === settings.batch &&
        c.fine.length === fine.length &&
        c.fine.every((s, i) => Math.abs(s - fine[i]) <= 1e-12 * fine[i]),
    );
  if (!match)
    throw new RangeError(`gitsCalibration: no search for ${run.world.id} with these GITS settings and σ range`);
  return Float64Array.from(gitsGridOf(match, run.sigmas, settings.coeff));
}

export function exportPlan(config: PlanConfig, registry = new WorldRegistry(shippedWorlds())): ExportedPlan {
  const world = config.world ?? 'fmnist';
  const image = registry.resolve(world).image !== undefined;
  const run = resolveSampleOptions(
    { ...config, world, ...(image ? { label: config.label ?? 'mixed' } : {}) },
    registry,
  );
  // The Python executor runs the conditional network at any size, with Upsample Guidance (bench/quality/upsample.py)
  // and CFG (bench/quality/image_world.py) when asked; the plan itself depends on none of them.
  if (run.sampler.prepare)
    throw new RangeError(`${run.sampler.id}: needs an AMED calibration, which this exporter does not compute yet`);
  const plan = run.sampler.build(gridOf(config, run), run.options);
  return {
    config,
    world: run.world.id,
    sampler: run.sampler.id,
    samplerLabel: run.sampler.label,
    schedule: run.schedule,
    steps: run.steps,
    eta: Number(run.options.eta ?? 0),
    sigmaVar: Number(run.options.sigmaVar ?? 0),
    seed: run.seed,
    count: run.count,
    dim: run.dim,
    labels: run.labels ? Array.from(run.labels) : null,
    sigmas: Array.from(plan.sigmas),
    instrs: plan.instrs,
    registers: plan.registers,
    nfe: plan.nfe,
    size: run.size ?? null,
    upsampleGuidance: run.upsampleGuidance ?? null,
    cost: upsampleGuidanceCost(plan.instrs, plan.nfe, run.upsampleGuidance, run.size, run.world.image?.size),
    skipTuning: run.skipTuning ?? null,
    cfg: run.cfg,
  };
}

/** Sandbox.sample's `cost` (src/api/sandbox.ts upsampleGuidanceCost, not exported there): every denoise inside the
 *  guided window adds one low-resolution evaluation, 1/m² of a full-size one. */
function upsampleGuidanceCost(
  instrs: Instr[],
  nfe: number,
  ug: { eta: number } | undefined,
  size: number | undefined,
  native: number | undefined,
): number {
  if (!ug || !size || !native) return nfe;
  const guided = instrs.filter((i) => i.op === 'denoise' && isGuided(i.sigma, ug.eta)).length;
  return nfe + guided / (size / native) ** 2;
}

export function main([input, output]: string[]): void {
  if (!input || !output) throw new Error('usage: plans.ts <configs.json> <plans.json>');
  const configs = JSON.parse(readFileSync(input, 'utf8')) as PlanConfig[];
  const registry = new WorldRegistry(shippedWorlds());
  writeFileSync(output, JSON.stringify(configs.map((c) => exportPlan(c, registry))));
}
