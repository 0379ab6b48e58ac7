/** WGSL sources, composed from the files under shaders/ (the only composition: prepending shared helpers, and a
 *  world's point form in front of the fused plan executor). */
import rng from '../../shaders/common/rng.wgsl?raw';
import brownian from '../../shaders/common/brownian.wgsl?raw';
import weightedMean from '../../shaders/common/weighted-mean.wgsl?raw';
import combine from '../../shaders/samplers/combine.wgsl?raw';
import initNoise from '../../shaders/samplers/init-noise.wgsl?raw';
import fusedPoint from '../../shaders/samplers/fused-point.wgsl?raw';
import gmmPoint from '../../shaders/worlds/gmm-point.wgsl?raw';
import gmmDenoise from '../../shaders/worlds/gmm-denoise.wgsl?raw';
import pairFlowPoint from '../../shaders/worlds/pair-flow-point.wgsl?raw';
import pairFlowDenoise from '../../shaders/worlds/pair-flow-denoise.wgsl?raw';
import upsampleGuidance from '../../shaders/guidance/upsample-guidance.wgsl?raw';

export const SHADERS = {
  combine: [rng, brownian, combine].join('\n'),
  initNoise: [rng, initNoise].join('\n'),
  gmmPoint: [weightedMean, gmmPoint].join('\n'),
  gmmDenoise: [weightedMean, gmmPoint, gmmDenoise].join('\n'),
  pairFlowPoint: [weightedMean, pairFlowPoint].join('\n'),
  pairFlowDenoise: [weightedMean, pairFlowPoint, pairFlowDenoise].join('\n'),
  upsampleGuidance,
} as const;

/** The fused plan executor for a point world: `pointWgsl` defines `denoise_point` and its group-0 bindings; `noise`
 *  compiles in the Brownian increments (plans without them skip that code entirely, see fused-point.wgsl). */
export function fusedPointShader(pointWgsl: string, noise: boolean): string {
  return [rng, brownian, pointWgsl, `const FUSED_NOISE: bool = ${noise};`, fusedPoint].join('\n');
}

/** A 1D element count as a 2D dispatch of 64-wide workgroups (past 65535 groups a single dimension overflows);
 *  kernels rebuild the index as gid.x + gid.y·groups.x·64. */
export function dispatchFor(elements: number): [number, number] {
  const groups = Math.max(1, Math.ceil(elements / 64));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}
