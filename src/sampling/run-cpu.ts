/**
 * The float64 executor: runs a Plan on the CPU against a float64 denoiser. It is the reference every GPU run is
 * checked against, and what Node-side metrics and benchmarks use.
 */
import { predictAmed, reduceBottleneck, type AmedPredictorWeights, type PerSampleAmed } from './amed/predictor';
import { brownianIncrement } from './noise';
import type { CpuDenoiser } from './denoiser';
import type { Plan } from './plan';

export interface CpuRunOptions {
  /** Standard-normal start z (count × dim); x_0 = σ_0·z. */
  noise: ArrayLike<number>;
  count: number;
  /** Seed of the Brownian path (stochastic plans only). */
  seed?: number;
  trajectory?: boolean;
  /** The learned AMED predictor, for plans with `predict` instructions (float64 math from its float32 weights). */
  predictor?: AmedPredictorWeights;
}

export interface CpuRunResult {
  samples: Float64Array;
  trajectory?: Float64Array[];
  denoised?: Float64Array[];
  /** Plans with `predict`: r, c and s per sample, by step. */
  amed?: Map<number, PerSampleAmed>;
}

export function runPlanCpu(plan: Plan, denoiser: CpuDenoiser, options: CpuRunOptions): CpuRunResult {
  const { count } = options;
  const n = count * denoiser.dim;
  const registers = new Map<string, Float64Array>();
  const reg = (name: string) => {
    let r = registers.get(name);
    if (!r) registers.set(name, (r = new Float64Array(n)));
    return r;
  };
  const x = reg('x');
  for (let i = 0; i < n; i++) x[i] = plan.sigmas[0] * options.noise[i];
  const sigmaPerSample = new Float64Array(count);
  const trajectory: Float64Array[] = [];
  const denoised: Float64Array[] = [];
  const amed = new Map<number, PerSampleAmed>();
  let bottleneck: Float64Array | null = null;
  const predictor = () => {
    if (!options.predictor) throw new Error('runPlanCpu: the plan predicts AMED parameters but no predictor was given');
    return options.predictor;
  };

  for (const instr of plan.instrs) {
    if (instr.op === 'denoise') {
      if (instr.sigmaOfStep !== undefined) sigmaPerSample.set(amed.get(instr.sigmaOfStep)!.s);
      else sigmaPerSample.fill(instr.sigma);
      denoiser.denoise(reg(instr.src), sigmaPerSample, reg(instr.dst));
      if (instr.tap) {
        const p = predictor();
        if (!denoiser.activation)
          throw new Error('runPlanCpu: the plan taps the bottleneck but the denoiser exposes no activations');
        bottleneck = reduceBottleneck(p.reduce, p.inputDim, denoiser.activation(p.tap), count);
      }
    } else if (instr.op === 'predict') {
      amed.set(instr.step, predictAmed(predictor(), instr.bottleneck ? bottleneck : null, count, instr.t, instr.tNext));
    } else if (instr.op === 'amed_step') {
      // The same per-sample updates as shaders/amed/solver-step.wgsl, in float64.
      const { c, s } = amed.get(instr.step)!;
      const [dst, a, b] = [reg(instr.dst), reg(instr.a), reg(instr.b)];
      for (let i = 0; i < n; i++) {
        const k = Math.floor(i / denoiser.dim);
        dst[i] =
          instr.stage === 'y'
            ? a[i] + (s[k] - instr.t) * b[i]
            : dst[i] + ((c[k] * (instr.tNext - instr.t)) / s[k]) * (a[i] - b[i]);
      }
    } else if (instr.op === 'combine') {
      const dst = reg(instr.dst);
      const terms = instr.terms.map(([name, coef]) => [reg(name), coef] as const);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (const [src, coef] of terms) acc += coef * src[i];
        if (instr.noise) {
          const sample = Math.floor(i / denoiser.dim);
          const element = i % denoiser.dim;
          acc +=
            instr.noise.scale *
            brownianIncrement(instr.noise.uFrom, instr.noise.uTo, options.seed ?? 0, sample, element);
        }
        dst[i] = acc;
      }
    } else if (options.trajectory) {
      trajectory.push(reg(instr.x).slice());
      denoised.push(reg(instr.denoised).slice());
    }
  }
  return { samples: x, ...(options.trajectory ? { trajectory, denoised } : {}), ...(amed.size > 0 ? { amed } : {}) };
}
