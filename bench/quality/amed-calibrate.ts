/**
 * The page's own forward-only AMED calibration (src/sampling/amed/calibrate.ts calibrateAmed, unchanged), with its
 * BatchDenoise served by the Python network: this module spawns bench/quality/denoise_server.py (the shipped UNet,
 * float32, EDM entry/exit in float64) and talks to it over pipes. Batch, noise and labels are those of
 * src/sampling/amed/calibrations.ts (calibrationFor for an image world: 16 samples, initialNoise(0x0a3ed),
 * label i mod the class count), so the output is the calibration the page would compute, in the
 * 'diffusion-sandbox/amed-calibration@1' format that Sandbox.importAmedCalibration accepts. A config with
 * `skipTuning` calibrates against the network with scaled skips (the server applies the run's resolved ρ), and the
 * calibration records it in `denoiser.skipTuning`, as the page keys its calibrations on it. A config's world (default
 * fmnist) picks the server's network, and its CFG scale is applied there as the page composes it (the run's own
 * denoiser, which is what the page calibrates with); both are recorded in the calibration's denoiser facts.
 *   node bench/quality/ts.mjs bench/quality/amed-calibrate.ts <configs.json> <calibrations.json>
 * configs: [<sample options with sampler amed | amed_plugin>]
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CALIBRATION_FORMAT } from '../../src/sampling/amed/calibrations';
import { amedVariant } from '../../src/sampling/samplers/amed';
import { resolveSampleOptions, type SampleOptionsWithout } from '../../src/api/options';
import { forwardSolves } from '../../tests/reference/forward-solves';
import { calibrateAmed } from '../../src/sampling/amed/calibrate';
import { initialNoise } from '../../src/sampling/noise';
import { WorldRegistry } from '../../src/worlds/registry';
import type { SkipTuning } from '../../src/worlds/unet/skip-tuning';
import { shippedWorlds } from '../../tests/reference/shipped-worlds';

/** = CALIBRATION_SEED of src/sampling/amed/calibrations.ts (not exported there). */
const CALIBRATION_SEED = 0x0a3ed;
const COUNT = 16;

export class DenoiseServer {
  private readonly proc;
  private buffer = Buffer.alloc(0);
  private waiting: { bytes: number; resolve: (b: Buffer) => void } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  evaluations = 0;

  /** world: the image world whose shipped UNet the server runs (denoise_server.py's WORLD). */
  constructor(world = 'fmnist') {
    const python = process.env.PYTHON ?? '/usr/bin/python3';
    this.proc = spawn(python, [path.resolve('bench/quality/denoise_server.py')], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, WORLD: world },
    });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.flush();
    });
  }

  private flush(): void {
    if (this.waiting && this.buffer.length >= this.waiting.bytes) {
      const { bytes, resolve } = this.waiting;
      const out = this.buffer.subarray(0, bytes);
      this.buffer = this.buffer.subarray(bytes);
      this.waiting = null;
      resolve(Buffer.from(out));
    }
  }

  /** One call at a time (calibrateAmed awaits each, but keep it safe). */
  denoise(x: Float64Array, sigma: number, labels: number[], skipTuning?: SkipTuning, cfg = 1): Promise<Float64Array> {
    const job = this.queue.then(async () => {
      const count = labels.length;
      const header = JSON.stringify({ sigma, count, dim: x.length / count, labels, skipTuning, cfg }) + '\n';
      const reply = new Promise<Buffer>((resolve) => {
        this.waiting = { bytes: x.length * 8, resolve };
      });
      this.proc.stdin.write(header);
      this.proc.stdin.write(Buffer.from(x.buffer, x.byteOffset, x.byteLength));
      this.flush();
      const b = await reply;
      this.evaluations += count;
      return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8).slice();
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  close(): void {
    this.proc.stdin.end();
  }
}

export async function main([input, output]: string[]): Promise<void> {
  if (!input || !output) throw new Error('usage: amed-calibrate.ts <configs.json> <calibrations.json>');
  const configs = JSON.parse(readFileSync(input, 'utf8')) as Array<SampleOptionsWithout<'world'> & { world?: string }>;
  const registry = new WorldRegistry(shippedWorlds());
  const servers = new Map<string, DenoiseServer>();
  const serverFor = (world: string) => {
    if (!servers.has(world)) servers.set(world, new DenoiseServer(world));
    return servers.get(world)!;
  };
  const results = [];
  try {
    for (const config of configs) {
      const world = config.world ?? 'fmnist';
      const run = resolveSampleOptions({ ...config, world, label: config.label ?? 'mixed' }, registry);
      if (!run.sampler.id.startsWith('amed') || !run.world.image)
        throw new RangeError('amed-calibrate: an AMED sampler on an image world');
      if ((run.size && run.size !== run.world.image.size) || run.upsampleGuidance)
        throw new RangeError('amed-calibrate: the network at its native size only (no Upsample Guidance)');
      const server = serverFor(run.world.id);
      const classes = run.world.image.classes.length;
      const labels = Array.from({ length: COUNT }, (_, i) => i % classes);
      const t0 = Date.now();
      const result = await calibrateAmed({
        variant: amedVariant(run.sampler.id, run.options),
        afs: run.options.afs !== false,
        sigmas: run.sigmas,
        ...forwardSolves((x, sigma) => server.denoise(x, sigma, labels, run.skipTuning, run.cfg)),
        noise: initialNoise(CALIBRATION_SEED, COUNT, run.dim),
      });
      results.push({
        format: CALIBRATION_FORMAT,
        world: run.world.id,
        denoiser: { cfg: run.cfg, conditional: true, ...(run.skipTuning ? { skipTuning: run.skipTuning } : {}) },
        sigmas: Array.from(run.sigmas),
        count: COUNT,
        ...result,
        seconds: (Date.now() - t0) / 1000,
      });
      console.log(
        `calibrated ${run.sampler.id} (${amedVariant(run.sampler.id, run.options)}) ${run.schedule} steps ${run.steps}${run.skipTuning ? ` ρ_bottom ${run.skipTuning.bottom}` : ''}: ${JSON.stringify(result.steps)} in ${(Date.now() - t0) / 1000} s`,
      );
    }
  } finally {
    for (const server of servers.values()) server.close();
  }
  writeFileSync(output, JSON.stringify(results, null, 1));
}
