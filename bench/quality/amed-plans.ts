/**
 * AMED plan exporter (time-only AMED-Solver / AMED-Plugin): resolves a config exactly as `Sandbox.sample` does
 * (resolveSampleOptions + WorldRegistry), then builds the page's own AMED plan from a calibration in the
 * 'diffusion-sandbox/amed-calibration@1' format (validated by the page's own importer, parseCalibration, and
 * turned into plan parameters by toPlanParams), as Sandbox.sample does after calibrating. Without a calibration it
 * only resolves the run (σ grid, labels), which the Python side uses to calibrate on the page's exact grid.
 *   node bench/quality/ts.mjs bench/quality/amed-plans.ts <configs.json> <plans.json>
 * configs: [{ config: <sample options>, calibration?: <amed-calibration@1 object> }]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCalibration, toPlanParams } from '../../src/sampling/amed/calibrations';
import { resolveSampleOptions, type SampleOptionsWithout } from '../../src/api/options';
import { amedVariant } from '../../src/sampling/samplers/amed';
import { WorldRegistry } from '../../src/worlds/registry';
import { skipTuningKey } from '../../src/worlds/unet/skip-tuning';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';

type Config = SampleOptionsWithout<'world' | 'noise' | 'signal' | 'onProgress' | 'trajectory'> & { world?: string };

export function exportAmedPlan(
  entry: { config: Config; calibration?: unknown },
  registry = new WorldRegistry(shippedWorlds()),
) {
  const config = entry.config;
  const world = config.world ?? 'fmnist';
  const image = registry.resolve(world).image !== undefined;
  const run = resolveSampleOptions(
    { ...config, world, ...(image ? { label: config.label ?? 'mixed' } : {}) },
    registry,
  );
  if (!run.sampler.id.startsWith('amed')) throw new RangeError(`${run.sampler.id}: not an AMED sampler`);
  const variant = amedVariant(run.sampler.id, run.options);
  const afs = run.options.afs !== false;
  const resolved = {
    config,
    world: run.world.id,
    sampler: run.sampler.id,
    samplerLabel: run.sampler.label,
    amedVariant: variant,
    afs,
    schedule: run.schedule,
    steps: run.steps,
    seed: run.seed,
    count: run.count,
    dim: run.dim,
    labels: run.labels ? Array.from(run.labels) : null,
    sigmas: Array.from(run.sigmas),
    skipTuning: run.skipTuning ?? null,
    cfg: run.cfg,
  };
  if (entry.calibration === undefined) return resolved;
  // The page's importer (no GPU is touched by import): same validation, same cache key inputs.
  const calibration = parseCalibration(entry.calibration);
  if (calibration.variant !== variant || calibration.afs !== afs)
    throw new RangeError('calibration: variant/afs differ from the run');
  // A calibration is a property of the network it was made with: Skip-Tuning's ρ must match (the page's key).
  if (skipTuningKey(calibration.denoiser.skipTuning) !== skipTuningKey(run.skipTuning))
    throw new RangeError('calibration: made with another Skip-Tuning ρ than the run');
  // So must the guidance: the page calibrates with the run's own (CFG-composed) denoiser.
  if (calibration.denoiser.cfg !== run.cfg)
    throw new RangeError('calibration: made with another CFG scale than the run');
  if (
    calibration.sigmas.length !== run.sigmas.length ||
    calibration.sigmas.some((s, i) => Math.fround(s) !== Math.fround(run.sigmas[i]))
  ) {
    throw new RangeError('calibration: made for another σ grid');
  }
  const plan = run.sampler.build(run.sigmas, run.options, { source: 'calibration', steps: calibration.steps });
  return {
    ...resolved,
    amed: toPlanParams(calibration),
    instrs: plan.instrs,
    registers: plan.registers,
    nfe: plan.nfe,
  };
}

export function main([input, output]: string[]): void {
  if (!input || !output) throw new Error('usage: amed-plans.ts <configs.json> <plans.json>');
  const entries = JSON.parse(readFileSync(input, 'utf8')) as Array<{ config: Config; calibration?: unknown }>;
  const registry = new WorldRegistry(shippedWorlds());
  writeFileSync(
    output,
    JSON.stringify(
      entries.map((e) => exportAmedPlan(e, registry)),
      null,
      1,
    ),
  );
}
