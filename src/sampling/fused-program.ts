/**
 * A Plan encoded as the instruction stream of shaders/samplers/fused-point.wgsl (the layout is documented there):
 * the plan stays the one source of the coefficients, the kernel only reads them. Every value is the f32 rounding
 * of the plan's float64, exactly as the per-instruction executor uploads it (σ table, combine uniforms).
 */
import { splitCombine } from './combine-terms';
import type { Plan } from './plan';

const FUSED_WORDS = 20;
export const FUSED_INSTRUCTION_BYTES = 4 * FUSED_WORDS;
/** Registers live in a private array of this size (FUSED_MAX_REGISTERS in the WGSL). */
const FUSED_MAX_REGISTERS = 16;
const MAX_INPUTS = 6;
const OP = { initDraw: 0, initLoad: 1, denoise: 2, combine: 3, record: 4 } as const;

export interface FusedProgram {
  words: Uint32Array<ArrayBuffer>;
  /** Instructions, the initial draw (or scaling of the given noise) first. */
  length: number;
  /** Evaluations made by each instruction (0 or 1), for splitting into submissions. */
  evals: Uint8Array;
  xRegister: number;
  numRegisters: number;
}

/** Why the fused kernel cannot run this plan, or null when it can. */
export function fusedPlanUnsupported(plan: Plan): string | null {
  if (plan.registers.length > FUSED_MAX_REGISTERS)
    return `${plan.registers.length} registers (max ${FUSED_MAX_REGISTERS})`;
  for (const instr of plan.instrs) {
    if (instr.op !== 'denoise' && instr.op !== 'combine' && instr.op !== 'record') return `a '${instr.op}' instruction`;
    if (instr.op === 'denoise' && (instr.sigmaOfStep !== undefined || instr.tap))
      return 'a per-sample σ or a tapped denoise';
  }
  return null;
}

/** Encodes the plan after an initial x_0 = σ_0·z (z drawn in the kernel, or read from the given noise). */
export function encodeFusedProgram(plan: Plan, noiseGiven: boolean): FusedProgram {
  const regIndex = new Map(plan.registers.map((name, k) => [name, k]));
  const reg = (name: string) => regIndex.get(name)!;
  const length = plan.instrs.length + 1;
  const words = new Uint32Array(length * FUSED_WORDS);
  const floats = new Float32Array(words.buffer);
  const evals = new Uint8Array(length);
  const at = (pc: number, word: number) => pc * FUSED_WORDS + word;
  words[at(0, 0)] = noiseGiven ? OP.initLoad : OP.initDraw;
  words[at(0, 1)] = reg('x');
  floats[at(0, 4)] = plan.sigmas[0];
  let record = 0;
  plan.instrs.forEach((instr, k) => {
    const pc = k + 1;
    if (instr.op === 'denoise') {
      words.set([OP.denoise, reg(instr.dst), reg(instr.src)], at(pc, 0));
      floats[at(pc, 4)] = instr.sigma;
      evals[pc] = 1;
    } else if (instr.op === 'combine') {
      const { selfCoef, inputs } = splitCombine(instr);
      if (inputs.length > MAX_INPUTS)
        throw new Error(`combine into ${instr.dst} has ${inputs.length} inputs; max ${MAX_INPUTS}`);
      // combine.wgsl reads dst only for a nonzero coefficient, and adds the noise only when the plan has some.
      const flags = (selfCoef !== 0 ? 1 : 0) | (instr.noise ? 2 : 0);
      words.set([OP.combine, reg(instr.dst), inputs.length, flags], at(pc, 0));
      floats.set([selfCoef, instr.noise?.scale ?? 0, instr.noise?.uFrom ?? 1, instr.noise?.uTo ?? 0], at(pc, 4));
      inputs.forEach(([name, coef], i) => {
        words[at(pc, 8 + i)] = reg(name);
        floats[at(pc, 14 + i)] = coef;
      });
    } else if (instr.op === 'record') {
      words.set([OP.record, reg(instr.x), reg(instr.denoised), record++], at(pc, 0));
    } else {
      throw new Error(`the fused executor cannot run a '${instr.op}' instruction`);
    }
  });
  return { words, length, evals, xRegister: reg('x'), numRegisters: plan.registers.length };
}
