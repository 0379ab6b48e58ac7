/**
 * The page's own GITS search (src/sampling/gits/: gitsCalibrationFor, unchanged) on an image world, with its
 * forward solves served by the Python network (bench/quality/denoise_server.py, as amed-calibrate.ts does): batch,
 * noise and labels (i mod the class count) are those the page uses, so the output is the search the page would make,
 * in the 'diffusion-sandbox/gits-calibration@1' format that Sandbox.importGitsCalibration accepts and that
 * plans.ts reads for configs with schedule 'gits' (their `gitsCalibration`: the path of this file).
 *   node bench/quality/ts.mjs bench/quality/gits-calibrate.ts <configs.json> <gits.json>
 * configs: [<sample options with schedule 'gits', e.g. { "sampler": "euler", "steps": 6, "schedule": "gits" }>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolveSampleOptions, type SampleOptionsWithout } from '../../src/api/options';
import { gitsCalibrationFor, type GitsCalibration } from '../../src/sampling/gits/calibrations';
import { PrepareMemo } from '../../src/sampling/prepare';
import { WorldRegistry } from '../../src/worlds/registry';
import { prepareServices } from '../../tests/reference/forward-solves';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';
import { DenoiseServer } from './amed-calibrate';

export async function main([input, output]: string[]): Promise<void> {
  if (!input || !output) throw new Error('usage: gits-calibrate.ts <configs.json> <gits.json>');
  const configs = JSON.parse(readFileSync(input, 'utf8')) as Array<SampleOptionsWithout<'world'> & { world?: string }>;
  const registry = new WorldRegistry(shippedWorlds());
  const server = new DenoiseServer();
  const memo = new PrepareMemo();
  const results: GitsCalibration[] = [];
  try {
    for (const config of configs) {
      const world = config.world ?? 'fmnist';
      const run = resolveSampleOptions({ ...config, world, label: config.label ?? 'mixed' }, registry);
      if (run.schedule !== 'gits' || !run.world.image)
        throw new RangeError("gits-calibrate: schedule 'gits' on an image world");
      if (run.cfg !== 1 || (run.size && run.size !== run.world.image.size) || run.upsampleGuidance || run.skipTuning)
        throw new RangeError('gits-calibrate: plain conditional network only');
      const classes = run.world.image.classes.length;
      const t0 = Date.now();
      const calibration = await gitsCalibrationFor({
        samplerId: run.sampler.id,
        world: run.world.id,
        nativeSize: run.world.image.size,
        dim: run.dim,
        sigmas: run.sigmas,
        schedule: run.schedule,
        scheduleOptions: { sigmaMax: run.sigmaMax, sigmaMin: run.sigmaMin, rho: run.rho },
        scheduleParams: run.scheduleParams,
        options: run.options,
        denoiser: { cfg: 1, conditional: true },
        // One network: the memo key only has to tell this run's searches apart (fine grid, metric, batch).
        denoiserKey: `python:${run.world.id}`,
        ...prepareServices((x, sigma, count) =>
          server.denoise(
            x,
            sigma,
            Array.from({ length: count }, (_, i) => i % classes),
          ),
        ),
        memo: (key, compute) => memo.get(key, compute),
      });
      results.push(calibration);
      console.log(
        `GITS ${run.sampler.id} steps ${run.steps}: σ ${JSON.stringify(calibration.sigmas)} in ${(Date.now() - t0) / 1000} s`,
      );
    }
  } finally {
    server.close();
  }
  writeFileSync(output, JSON.stringify(results));
}
