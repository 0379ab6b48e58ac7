/**
 * The forward solves a calibration asks of its engine (CalibrationOptions' and PrepareContext's denoise, batches and
 * solve), in float64 off the GPU: over an async D(x; σ) of one batch (a Python server, a counting test double), the
 * solve interprets the plan in float64 one evaluation at a time, checking the stop before and reporting progress
 * after each, as the GPU executor does around each submission.
 */
import type { CalibrationOptions } from '../../src/sampling/amed/calibrate';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import type { Plan } from '../../src/sampling/plan';
import type { PrepareContext } from '../../src/sampling/prepare';

type Denoise = (x: Float64Array, sigma: number) => Promise<Float64Array>;
interface Control {
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

const stopped = () => new DOMException('Stopped', 'AbortError');

/** A plan of denoise, combine and record instructions from x_0 = σ_0·noise, in float64; x at each record. */
async function interpret(plan: Plan, noise: ArrayLike<number>, denoise: Denoise, control: Control) {
  const registers = new Map<string, Float64Array>([['x', Float64Array.from(noise, (z) => z * plan.sigmas[0])]]);
  const reg = (name: string) => registers.get(name) ?? new Float64Array(noise.length);
  const records: Float64Array[] = [];
  let done = 0;
  for (const instr of plan.instrs) {
    if (instr.op === 'denoise') {
      if (control.signal?.aborted) throw stopped();
      registers.set(instr.dst, await denoise(reg(instr.src), instr.sigma));
      control.onProgress?.(++done / plan.nfe);
    } else if (instr.op === 'combine' && !instr.noise) {
      const out = new Float64Array(noise.length);
      for (const [name, coef] of instr.terms) reg(name).forEach((v, i) => (out[i] += coef * v));
      registers.set(instr.dst, out);
    } else if (instr.op === 'record') {
      records.push(reg(instr.x).slice());
    } else {
      throw new Error(`forward-solves: cannot interpret a '${instr.op}' instruction`);
    }
  }
  return records;
}

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
    solve: (plan, noise, count, control) => interpret(plan, noise, (x, sigma) => denoise(x, sigma, count), control),
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
