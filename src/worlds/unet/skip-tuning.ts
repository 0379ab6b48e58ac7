/**
 * Skip-Tuning (Ma et al., "The Surprising Effectiveness of Skip-Tuning in Diffusion Sampling", ICML 2024, §3): a
 * training-free change of a pretrained UNet. With k + 1 long skips from encoder to decoder, skip j (j = 0 nearest
 * the input, j = k the deepest) is multiplied by ρ_j = ρ_top + (ρ_bottom − ρ_top)·j/k before the decoder
 * concatenates it; the same ρ at every σ (the paper's method; its time-dependent schedules are an ablation).
 * ρ_top = ρ_bottom = 1 is the network itself. The factors are uniforms of a compiled network, never folded into the
 * weights, so one weight upload serves every ρ.
 */

/** ρ_bottom for the deepest skip, ρ_top for the one nearest the input (both default to 1: off). */
export interface SkipTuning {
  bottom: number;
  top: number;
}

/** True when every skip keeps its factor 1 (the untuned network). */
export const skipTuningOff = (t: SkipTuning | undefined): boolean => !t || (t.bottom === 1 && t.top === 1);

/** ρ_j of skip j of k + 1 = `count` skips. A single skip is both top and bottom; it takes ρ_top. */
export function skipScale(t: SkipTuning | undefined, j: number, count: number): number {
  if (skipTuningOff(t)) return 1;
  const k = count - 1;
  return k === 0 ? t!.top : t!.top + ((t!.bottom - t!.top) * j) / k;
}

/** The key fragment: empty when off, so an untuned network keeps its key (and its outputs, bit for bit). */
export const skipTuningKey = (t: SkipTuning | undefined): string =>
  skipTuningOff(t) ? '' : `:skip(${t!.top},${t!.bottom})`;
