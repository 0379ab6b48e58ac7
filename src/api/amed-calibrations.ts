/**
 * Per-world AMED calibrations: computed on first use (forward-only, src/sampling/amed/calibrate.ts) with the
 * world's own GPU denoiser, cached by (world, variant, AFS, grid), and exportable/importable as JSON.
 */
import type { GpuContext, GpuResources } from '../gpu/context';
import { withErrorScopes } from '../gpu/error-scope';
import { calibrateAmed, type CalibrationResult } from '../sampling/amed/calibrate';
import { denoiseGpu } from '../sampling/denoise-gpu';
import { initialNoise } from '../sampling/noise';
import type { AmedParams } from '../sampling/samplers/amed';
import type { GpuDenoiser } from '../sampling/denoiser';
import type { ResolvedSample } from './options';
import { parseSkipTuning } from './image-options';
import type { SkipTuning } from '../worlds/unet/skip-tuning';

export const CALIBRATION_FORMAT = 'diffusion-sandbox/amed-calibration@1';
/** A seed of its own: calibrating on the evaluation noise would flatter the result. */
const CALIBRATION_SEED = 0x0a3ed;

/** What else shapes the denoiser a calibration was made for (image worlds): size, guidance, conditioning. */
export interface CalibratedDenoiser {
  size?: number;
  cfg: number;
  upsampleGuidance?: { weight: number; eta: number };
  /** Skip-Tuning's ρ the network ran with (absent: untuned), so a calibration is never reused at another ρ. */
  skipTuning?: SkipTuning;
  /** Calibrated on class-conditional samples (sample i gets class i mod the class count) or on the null class. */
  conditional: boolean;
}

export interface AmedCalibration extends CalibrationResult {
  format: typeof CALIBRATION_FORMAT;
  world: string;
  denoiser: CalibratedDenoiser;
  sigmas: number[];
  /** Samples in the calibration batch. */
  count: number;
}

export class AmedCalibrations {
  private readonly cache = new Map<string, Promise<AmedCalibration>>();

  constructor(
    private readonly gpu: GpuContext,
    /** The run's denoiser (the world's, wrapped in the run's guidance). */
    private readonly denoiserFor: (gpu: GpuResources, run: ResolvedSample) => Promise<GpuDenoiser>,
  ) {}

  private key(world: string, denoiser: CalibratedDenoiser, variant: string, afs: boolean, sigmas: ArrayLike<number>): string {
    return JSON.stringify([world, denoiser.size ?? null, denoiser.cfg, denoiser.upsampleGuidance ?? null, denoiser.skipTuning ?? null, denoiser.conditional, variant, afs, Array.from(sigmas, (s) => Math.fround(s))]);
  }

  /** The calibration for a resolved run, computing it on first request. */
  get(run: ResolvedSample, options: { signal?: AbortSignal; onProgress?: (f: number) => void } = {}): Promise<AmedCalibration> {
    const variant = run.amedVariant!;
    const key = this.key(run.world.id, denoiserOf(run), variant, run.afs, run.sigmas);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compute(run, options);
      entry.catch(() => this.cache.delete(key));
      this.cache.set(key, entry);
    }
    return entry;
  }

  private async compute(run: ResolvedSample, options: { signal?: AbortSignal; onProgress?: (f: number) => void }): Promise<AmedCalibration> {
    const count = run.world.kind === '2d' ? 512 : 16;
    const denoiser = denoiserOf(run);
    const classes = run.world.image?.classes.length ?? 1;
    const labels = denoiser.conditional ? Uint32Array.from({ length: count }, (_, i) => i % classes) : undefined;
    const denoise = async (x: Float64Array, sigma: number) => {
      const out = await this.gpu.run(async (gpu) => {
        const network = await this.denoiserFor(gpu, run);
        return withErrorScopes(gpu.device, () => denoiseGpu(gpu, network, Float32Array.from(x), new Float32Array(count).fill(sigma), labels));
      });
      return Float64Array.from(out);
    };
    const result = await calibrateAmed({
      variant: run.amedVariant!,
      afs: run.afs,
      sigmas: run.sigmas,
      denoise,
      noise: initialNoise(CALIBRATION_SEED, count, run.dim),
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return { format: CALIBRATION_FORMAT, world: run.world.id, denoiser, sigmas: Array.from(run.sigmas), count, ...result };
  }

  /** Accepts a calibration exported earlier (JSON text or object); validates every field. */
  import(input: unknown): AmedCalibration {
    const c = (typeof input === 'string' ? JSON.parse(input) : input) as Partial<AmedCalibration>;
    if (!c || c.format !== CALIBRATION_FORMAT) throw new RangeError(`calibration.format: must be "${CALIBRATION_FORMAT}"`);
    if (typeof c.world !== 'string') throw new RangeError('calibration.world: must be a world id');
    if (!['solver', 'ipndm', 'euler', 'dpm2'].includes(c.variant as string)) throw new RangeError('calibration.variant: must be one of solver, ipndm, euler, dpm2');
    if (typeof c.afs !== 'boolean') throw new RangeError('calibration.afs: must be true or false');
    if (!Array.isArray(c.sigmas) || !c.sigmas.every((s, i, a) => Number.isFinite(s) && s > 0 && (i === 0 || s < a[i - 1]))) {
      throw new RangeError('calibration.sigmas: must be a decreasing list of positive numbers');
    }
    if (!Array.isArray(c.steps) || c.steps.length !== c.sigmas.length - 1) throw new RangeError(`calibration.steps: must have sigmas.length − 1 = ${c.sigmas.length - 1} entries`);
    c.steps.forEach((s, i) => {
      if (!(s && s.r > 0 && s.r < 1)) throw new RangeError(`calibration.steps[${i}].r: must be in (0, 1)`);
      if (!(s && s.c >= 0.5 && s.c <= 1.5)) throw new RangeError(`calibration.steps[${i}].c: must be in [0.5, 1.5]`);
    });
    const d = (c.denoiser ?? { cfg: 1, conditional: false }) as Partial<CalibratedDenoiser>;
    if (!(typeof d.cfg === 'number' && Number.isFinite(d.cfg)) || typeof d.conditional !== 'boolean') throw new RangeError('calibration.denoiser: must be { size?, cfg, upsampleGuidance?, skipTuning?, conditional }');
    const skipTuning = d.skipTuning === undefined ? undefined : parseSkipTuning(d.skipTuning);
    const denoiser: CalibratedDenoiser = { ...(d.size ? { size: d.size } : {}), cfg: d.cfg, ...(d.upsampleGuidance ? { upsampleGuidance: d.upsampleGuidance } : {}), ...(skipTuning ? { skipTuning } : {}), conditional: d.conditional };
    const calibration = { ...c, denoiser, losses: Array.isArray(c.losses) ? c.losses : [], count: c.count ?? 0 } as AmedCalibration;
    this.cache.set(this.key(calibration.world, denoiser, calibration.variant, calibration.afs, calibration.sigmas), Promise.resolve(calibration));
    return calibration;
  }
}

function denoiserOf(run: ResolvedSample): CalibratedDenoiser {
  return { ...(run.size ? { size: run.size } : {}), cfg: run.cfg, ...(run.upsampleGuidance ? { upsampleGuidance: run.upsampleGuidance } : {}), ...(run.skipTuning ? { skipTuning: run.skipTuning } : {}), conditional: run.labels !== undefined };
}

export function toPlanParams(c: AmedCalibration): AmedParams {
  return { variant: c.variant, afs: c.afs, steps: c.steps.map(({ r, c: scale }) => ({ r, c: scale })) };
}
