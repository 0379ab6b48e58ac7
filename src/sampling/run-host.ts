/**
 * A plan of denoise, combine and record instructions run with its states on the host in float64 and each D(x; σ)
 * through an async call (a GPU denoiser, a server): for forward solves whose states must not all sit on the device
 * (a calibration teacher on an image world records every student step) or whose denoiser is not on this device.
 * The stop is checked before, and progress reported after, each evaluation.
 */
import type { Plan } from './plan';

export async function runPlanOnHost(
  plan: Plan,
  noise: ArrayLike<number>,
  denoise: (x: Float64Array, sigma: number) => Promise<Float64Array>,
  control: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<Float64Array[]> {
  const registers = new Map<string, Float64Array>([['x', Float64Array.from(noise, (z) => z * plan.sigmas[0])]]);
  const reg = (name: string) => registers.get(name) ?? new Float64Array(noise.length);
  const records: Float64Array[] = [];
  let done = 0;
  for (const instr of plan.instrs) {
    if (instr.op === 'denoise') {
      if (control.signal?.aborted) throw new DOMException('Stopped', 'AbortError');
      registers.set(instr.dst, await denoise(reg(instr.src), instr.sigma));
      control.onProgress?.(++done / plan.nfe);
    } else if (instr.op === 'combine' && !instr.noise) {
      const out = new Float64Array(noise.length);
      for (const [name, coef] of instr.terms) {
        const v = reg(name);
        for (let i = 0; i < out.length; i++) out[i] += coef * v[i];
      }
      registers.set(instr.dst, out);
    } else if (instr.op === 'record') {
      records.push(reg(instr.x).slice());
    } else {
      throw new Error(`runPlanOnHost: cannot run a${instr.op === 'combine' ? ' noisy combine' : `'${instr.op}'`} here`);
    }
  }
  return records;
}
