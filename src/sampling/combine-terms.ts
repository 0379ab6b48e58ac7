import type { CombineInstr, Register } from './plan';

/**
 * A combine as both GPU executors run it: the coefficient of dst itself and the other inputs in plan order, with
 * repeated registers summed so each binds once. Shared so the fused kernel and combine.wgsl add the same f32
 * products in the same order (their results must agree bit for bit).
 */
export function splitCombine(instr: CombineInstr): { selfCoef: number; inputs: Array<[Register, number]> } {
  const merged = new Map<Register, number>();
  for (const [name, coef] of instr.terms) merged.set(name, (merged.get(name) ?? 0) + coef);
  const selfCoef = merged.get(instr.dst) ?? 0;
  merged.delete(instr.dst);
  return { selfCoef, inputs: [...merged.entries()] };
}
