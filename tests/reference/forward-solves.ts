/**
 * The forward solves a calibration asks of its engine (CalibrationOptions' and PrepareContext's denoise, batches and
 * solve) over an async D(x; σ) of one batch (a Python server, a float64 denoiser, a counting test double): one call
 * per evaluation, the solve with its states in float64 on the host (src/sampling/run-host.ts).
 */
import type { CalibrationOptions } from '../../src/sampling/amed/calibrate';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import type { PrepareContext } from '../../src/sampling/prepare';
import { runPlanOnHost } from '../../src/sampling/run-host';

type Denoise = (x: Float64Array, sigma: number) => Promise<Float64Array>;

type Services = Pick<PrepareContext, 'denoise' | 'denoiseBatches' | 'solve'>;

/** PrepareContext's forward solves over one async D(x; σ) of a batch of `count` samples, one call per evaluation
 *  (a server answers its requests in order, so the batches go one at a time). */
export function prepareServices(denoise: Services['denoise']): Services {
  return {
    denoise,
    denoiseBatches: async (batches, count) => {
      const out: Float64Array[] = [];
      for (const { x, sigma } of batches) out.push(await denoise(x, sigma, count));
      return out;
    },
    solve: (plan, noise, count, control) => runPlanOnHost(plan, noise, (x, sigma) => denoise(x, sigma, count), control),
  };
}

/** The same on a float64 denoiser; `onCall` hears every evaluation. */
export function cpuPrepareServices(denoiser: CpuDenoiser, onCall: () => void = () => {}): Services {
  return prepareServices(async (x, sigma, count) => {
    onCall();
    const out = new Float64Array(x.length);
    denoiser.denoise(x, new Float64Array(count).fill(sigma), out);
    return out;
  });
}

/** CalibrationOptions' denoise and solve over one async D(x; σ) of the calibration batch. */
export function forwardSolves(denoise: Denoise): Pick<CalibrationOptions, 'denoise' | 'solve'> {
  const services = prepareServices((x, sigma) => denoise(x, sigma));
  return {
    denoise: (batches) => services.denoiseBatches(batches, 0),
    solve: (plan, noise, control) => services.solve(plan, noise, 0, control),
  };
}
