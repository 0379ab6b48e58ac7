/**
 * A sampler compiles to a Plan: a straight-line program over per-sample registers, with every coefficient computed
 * in float64 up front (the NVlabs/edm habit of a float64 step loop). Two executors run plans: run-cpu.ts in float64
 * (references, tests) and run-gpu.ts on WebGPU. Samplers never see a world; executors never see sampler math.
 *
 * Registers hold count × dim values. `x` is the state, initialised to σ_0·z.
 */

export type Register = string;

/** dst = D(src; σ). */
export interface DenoiseInstr {
  op: 'denoise';
  src: Register;
  /** σ shared by every sample; with `sigmaOfStep` only the step's t_n (σ is then per sample). */
  sigma: number;
  dst: Register;
  /** σ per sample: the mean-value time s of the `predict` of this step (AMED with the learned predictor). */
  sigmaOfStep?: number;
  /** Keep this evaluation's bottleneck for the next `predict` (read from the same network call: no extra NFE). */
  tap?: boolean;
}

/**
 * Per-sample AMED parameters r, c and s = t_{n+1}^r·t_n^{1−r} for step n from the learned predictor (Zhou et al.
 * 2024, §3.2), reading the bottleneck of the last tapped `denoise`, or zeros (the AFS step has no evaluation).
 * The executors run the predictor they are given; the plan only says when and for which times.
 */
export interface PredictInstr {
  op: 'predict';
  step: number;
  t: number;
  tNext: number;
  bottleneck: boolean;
}

/**
 * AMED-Solver's two updates with the per-sample parameters of `predict` step n (shaders/amed/solver-step.wgsl):
 *  stage 'y': dst = a + (s − t)·b                (a = x_n, b = d_n: Euler to the mean-value time)
 *  stage 'x': dst = dst + c·(t' − t)·(a − b)/s   (a = y, b = D(y; s): the mean-value direction, in place on x_n)
 */
export interface AmedStepInstr {
  op: 'amed_step';
  step: number;
  stage: 'y' | 'x';
  dst: Register;
  a: Register;
  b: Register;
  t: number;
  tNext: number;
}

/** Standard-normal Brownian increment between u = σ/σ_0 values (see shaders/common/brownian.wgsl), times scale. */
export interface BrownianNoise {
  scale: number;
  uFrom: number;
  uTo: number;
}

/** dst = Σ coef·reg (+ noise). dst may appear among the terms: the update is elementwise, so in place is safe. */
export interface CombineInstr {
  op: 'combine';
  dst: Register;
  terms: Array<[Register, number]>;
  noise?: BrownianNoise;
}

/** The k-diffusion callback hook: the state x_i and its denoised estimate at step i (σ_i), before the update. */
interface RecordInstr {
  op: 'record';
  step: number;
  sigma: number;
  x: Register;
  denoised: Register;
}

export type Instr = DenoiseInstr | CombineInstr | RecordInstr | PredictInstr | AmedStepInstr;

export interface Plan {
  sigmas: Float64Array;
  instrs: Instr[];
  registers: Register[];
  /** Network evaluations: the number of denoise instructions. */
  nfe: number;
  /** Number of record instructions (steps + 1: every x_i and the final sample). */
  records: number;
}

/** The largest number of terms a single combine may have, besides its own destination (combine.wgsl's bindings). */
const MAX_COMBINE_TERMS = 6;

export class PlanBuilder {
  private readonly instrs: Instr[] = [];
  private readonly registers = new Set<Register>(['x']);

  constructor(private readonly sigmas: Float64Array) {}

  denoise(src: Register, sigma: number, dst: Register, extra: Pick<DenoiseInstr, 'sigmaOfStep' | 'tap'> = {}): this {
    this.registers.add(dst);
    this.instrs.push({ op: 'denoise', src, sigma, dst, ...extra });
    return this;
  }

  predict(step: number, t: number, tNext: number, bottleneck: boolean): this {
    this.instrs.push({ op: 'predict', step, t, tNext, bottleneck });
    return this;
  }

  amedStep(instr: Omit<AmedStepInstr, 'op'>): this {
    this.registers.add(instr.dst);
    this.instrs.push({ op: 'amed_step', ...instr });
    return this;
  }

  combine(dst: Register, terms: Array<[Register, number]>, noise?: BrownianNoise): this {
    const others = terms.filter(([r]) => r !== dst);
    if (others.length > MAX_COMBINE_TERMS)
      throw new Error(`combine into ${dst} has ${others.length} terms; max ${MAX_COMBINE_TERMS}`);
    this.registers.add(dst);
    this.instrs.push({ op: 'combine', dst, terms, ...(noise ? { noise } : {}) });
    return this;
  }

  record(step: number, x: Register, denoised: Register): this {
    this.instrs.push({ op: 'record', step, sigma: this.sigmas[step] ?? 0, x, denoised });
    return this;
  }

  build(): Plan {
    const nfe = this.instrs.filter((i) => i.op === 'denoise').length;
    const records = this.instrs.filter((i) => i.op === 'record').length;
    return { sigmas: this.sigmas, instrs: this.instrs, registers: [...this.registers], nfe, records };
  }
}
