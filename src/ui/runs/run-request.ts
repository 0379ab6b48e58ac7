/**
 * From the page state to engine requests: what one panel asks `sandbox.sample` for, and what its reference solve
 * is. A request's key identifies its result exactly, so equal requests (a duplicated panel, an undo) reuse it.
 */
import type { SampleOptions } from '../../api/options';
import type { SamplerMeta } from '../../api/sandbox';
import { CUSTOM_WORLD } from '../../state/validate-state';
import type { SandboxState } from '../../state/params';
import type { GmmSpec } from '../../worlds/gmm';

export type PanelRequest = Omit<SampleOptions, 'signal' | 'onProgress'>;
export type ReferenceRequest = Pick<SampleOptions, 'world' | 'seed' | 'count' | 'sigmaMax' | 'sigmaMin'>;

/** Trajectories are recorded (for the step scrubber and paths) while count × (steps + 1) stays under this many
 *  points: 2²¹ points are 16 MB of x_t and D(x_t) to read back; beyond that the scrubber says why it is off. */
export const TRAJECTORY_POINT_BUDGET = 1 << 21;

export function worldArg(state: SandboxState): string | GmmSpec {
  return state.world === CUSTOM_WORLD && state.custom ? state.custom : state.world;
}

/** The most steps whose NFE fits a budget (0 when even one step does not), from the sampler's metadata. */
export function stepsForBudget(sampler: Pick<SamplerMeta, 'nfe'>, budget: number): number {
  let steps = 0;
  while (steps < 1000 && sampler.nfe(steps + 1) <= budget) steps++;
  return steps;
}

/** The steps a panel will take: its own, or in equal-NFE mode the most that fit the shared budget. */
export function panelSteps(state: SandboxState, index: number, samplers: readonly SamplerMeta[]): number {
  const panel = state.panels[index];
  const meta = samplers.find((s) => s.id === panel.sampler);
  return state.equalNfe && meta ? stepsForBudget(meta, state.nfe) : panel.steps;
}

export function recordsTrajectory(count: number, steps: number): boolean {
  return count * (steps + 1) <= TRAJECTORY_POINT_BUDGET;
}

export function panelRequest(state: SandboxState, index: number, samplers: readonly SamplerMeta[]): PanelRequest {
  const panel = state.panels[index];
  const stochastic = samplers.find((s) => s.id === panel.sampler)?.stochastic ?? false;
  return {
    world: worldArg(state),
    sampler: panel.sampler,
    ...(state.equalNfe ? { nfe: state.nfe } : { steps: panel.steps }),
    schedule: panel.schedule,
    // η only means something to stochastic samplers; leaving it out lets their deterministic peers share a key.
    ...(stochastic ? { eta: panel.eta } : {}),
    seed: state.seed,
    count: state.count,
    sigmaMax: state.sigmaMax,
    sigmaMin: state.sigmaMin,
    rho: state.rho,
    trajectory: recordsTrajectory(state.count, panelSteps(state, index, samplers)),
  };
}

/** The RK4 reference shares the world, the noise (seed, count) and the σ range with every panel. */
export function referenceRequest(state: SandboxState): ReferenceRequest {
  return { world: worldArg(state), seed: state.seed, count: state.count, sigmaMax: state.sigmaMax, sigmaMin: state.sigmaMin };
}

export function requestKey(request: PanelRequest | ReferenceRequest): string {
  return JSON.stringify(request);
}
