/**
 * A reflowed ring of 8 as live ReFlow makes one (src/api/reflow.ts), small enough for float64 tests: 500 pairs
 * (the fewest it accepts) from Heun at 64 Karras steps on the exact mixture, fitted at a given kernel bandwidth.
 */
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { initialNoise } from '../../src/sampling/noise';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS, karras } from '../../src/sampling/schedules';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { ring8 } from '../../src/worlds/gmm-presets';
import { pairFlowDenoiser, type Pairs } from '../../src/worlds/pair-flow';

const PAIRS = 500;
let pairs: Pairs | null = null;

/** The pairs (ε_j, x0_j), f32 as live ReFlow keeps them; computed once. */
export function reflowedRingPairs(): Pairs {
  if (!pairs) {
    const noise = initialNoise(11, PAIRS, 2);
    const teacher = samplerById('heun')!.build(karras(64, DEFAULT_SCHEDULE_OPTIONS), { eta: 0 });
    const data = Float32Array.from(runPlanCpu(teacher, gmmDenoiser(ring8()), { noise, count: PAIRS }).samples);
    pairs = { noise, data };
  }
  return pairs;
}

export function reflowedRing(bandwidth: number): CpuDenoiser {
  return pairFlowDenoiser(reflowedRingPairs(), bandwidth);
}
