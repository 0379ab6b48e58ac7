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
  sigma: number;
  dst: Register;
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
export interface RecordInstr {
  op: 'record';
  step: number;
  sigma: number;
  x: Register;
  denoised: Register;
}

export type Instr = DenoiseInstr | CombineInstr | RecordInstr;

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
export const MAX_COMBINE_TERMS = 6;

export class PlanBuilder {
  private readonly instrs: Instr[] = [];
  private readonly registers = new Set<Register>(['x']);

  constructor(private readonly sigmas: Float64Array) {}

  denoise(src: Register, sigma: number, dst: Register): this {
    this.registers.add(dst);
    this.instrs.push({ op: 'denoise', src, sigma, dst });
    return this;
  }

  combine(dst: Register, terms: Array<[Register, number]>, noise?: BrownianNoise): this {
    const others = terms.filter(([r]) => r !== dst);
    if (others.length > MAX_COMBINE_TERMS) throw new Error(`combine into ${dst} has ${others.length} terms; max ${MAX_COMBINE_TERMS}`);
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
