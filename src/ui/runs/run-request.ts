/**
 * From the page state to engine requests: what one panel asks `sandbox.sample` for, and what its reference solve
 * is. A request's key tells when a panel must run again; the result caches key on what a result depends on
 * instead (the sandbox's sampleKey and referenceKey: the denoiser's key() plus the run's own inputs).
 */
import type { SampleOptions, SampleOptionsWithout } from '../../api/options';
import type { SamplerMeta } from '../../api/sandbox';
import { stepsForNfe } from '../../sampling/samplers';
import { scheduleById } from '../../sampling/schedules';
import { panelOptionValues } from '../../state/panel-options';
import { CUSTOM_WORLD } from '../../state/validate-state';
import { imageArguments } from '../../state/image-values';
import { PANEL_DEFAULTS, type SandboxState } from '../../state/params';
import { isReflowed } from '../../state/reflow-family';
import type { GmmSpec } from '../../worlds/gmm';
import type { ImageWorldInfo, WorldInfo } from '../../worlds/types';

export type PanelRequest = SampleOptionsWithout<'signal' | 'onProgress'>;
export type ReferenceRequest = Pick<SampleOptions, 'world' | 'seed' | 'count' | 'sigmaMax' | 'sigmaMin'>;

/** Trajectories are recorded (for the step scrubber and paths) while count × dim × (steps + 1) stays under this
 *  many values: 2²² values are 16 MB each of x_t and D(x_t) to read back; beyond that the scrubber says why it is
 *  off. For 2D worlds that is 2²¹ points. */
export const TRAJECTORY_VALUE_BUDGET = 1 << 22;

function worldArg(state: SandboxState): string | GmmSpec {
  return state.world === CUSTOM_WORLD && state.custom ? state.custom : state.world;
}

/** The world a panel runs on: its own (a member of the shared world's reflow family) or the shared one. */
export function panelWorldArg(state: SandboxState, index: number): string | GmmSpec {
  return state.panels[index].world ?? worldArg(state);
}

/** The image facts of the world a panel runs on, or undefined for a 2D world. */
export function panelImage(
  state: SandboxState,
  index: number,
  worlds: readonly WorldInfo[],
): ImageWorldInfo | undefined {
  const world = panelWorldArg(state, index);
  return typeof world === 'string' ? worlds.find((w) => w.id === world)?.image : undefined;
}

/** How much the view enlarges an image panel's samples: a bilinear panel ran at the native size, and is enlarged to
 *  the shared size in the view only (Hwang et al. 2024's baseline). */
export function panelUpscale(state: SandboxState, index: number, image: ImageWorldInfo): number {
  return (state.panels[index].upscale ?? PANEL_DEFAULTS.upscale) === 'bilinear'
    ? (state.size ?? image.size) / image.size
    : 1;
}

/** Exact metrics need the world's density (2D worlds); RMSE also needs a reference solve, which for a reflowed world
 *  means hundreds of RK4 steps of a kernel regression over all its pairs: too costly to run beside every change. */
export function metricsOf(world: string | GmmSpec, worlds: readonly WorldInfo[]): 'rmse' | 'likelihood' | 'none' {
  if (typeof world !== 'string') return 'rmse';
  if (worlds.find((w) => w.id === world)?.image) return 'none';
  return isReflowed(world) ? 'likelihood' : 'rmse';
}

/** The metrics of the world a panel now runs on. */
export function metricsFor(
  state: SandboxState,
  index: number,
  worlds: readonly WorldInfo[],
): 'rmse' | 'likelihood' | 'none' {
  return metricsOf(panelWorldArg(state, index), worlds);
}

/** What an image panel asks for: what each image module that acts on it asks for (../../guidance/wrappers.ts): the
 *  class, CFG, the size it runs at (native when it upscales bilinearly in the view), Upsample Guidance when it is
 *  guided above the native size, Skip-Tuning when the panel tunes its skips. */
function imageRequest(state: SandboxState, index: number, image: ImageWorldInfo): Partial<PanelRequest> {
  return imageArguments(state, index, image) as Partial<PanelRequest>;
}

/** The steps a panel will take: its own, or in equal-NFE mode the most that fit the shared budget with the panel's
 *  options (the engine's own stepsForNfe: AMED with AFS off spends one evaluation more). */
export function panelSteps(state: SandboxState, index: number, samplers: readonly SamplerMeta[]): number {
  const panel = state.panels[index];
  const meta = samplers.find((s) => s.id === panel.sampler);
  return state.equalNfe && meta ? stepsForNfe(meta, state.nfe, panelOptionValues(panel, meta)) : panel.steps;
}

export function recordsTrajectory(count: number, steps: number, dim: number): boolean {
  return count * dim * (steps + 1) <= TRAJECTORY_VALUE_BUDGET;
}

export function panelRequest(
  state: SandboxState,
  index: number,
  samplers: readonly SamplerMeta[],
  worlds: readonly WorldInfo[],
): PanelRequest {
  const panel = state.panels[index];
  const meta = samplers.find((s) => s.id === panel.sampler);
  const image = panelImage(state, index, worlds);
  const imageOptions = image ? imageRequest(state, index, image) : {};
  return {
    world: panelWorldArg(state, index),
    sampler: panel.sampler,
    ...(state.equalNfe ? { nfe: state.nfe } : { steps: panel.steps }),
    schedule: panel.schedule,
    seed: state.seed,
    count: state.count,
    sigmaMax: state.sigmaMax,
    sigmaMin: state.sigmaMin,
    rho: state.rho,
    // Only the options this sampler and this schedule declare, so that other panels' keys do not depend on them
    // (η, σ_var, AFS, …; vp's β_d, GITS's metric, …).
    ...panelOptionValues(panel, meta),
    ...panelOptionValues(panel, scheduleById(panel.schedule)),
    ...imageOptions,
    trajectory: recordsTrajectory(
      state.count,
      panelSteps(state, index, samplers),
      imageOptions.size ? (image?.channels ?? 1) * imageOptions.size ** 2 : 2,
    ),
  };
}

/** The RK4 reference shares the world, the noise (seed, count) and the σ range with every panel on that world
 *  (the shared world unless a panel runs on its own). */
export function referenceRequest(state: SandboxState, world: string | GmmSpec = worldArg(state)): ReferenceRequest {
  return { world, seed: state.seed, count: state.count, sigmaMax: state.sigmaMax, sigmaMin: state.sigmaMin };
}

/** The reference a run is measured against: the one its own request shares (never the current state's, which
 *  may name another world by the time the run is measured). */
export function runReference(request: PanelRequest): ReferenceRequest {
  const { world, seed, count, sigmaMax, sigmaMin } = request;
  return { world, seed, count, sigmaMax, sigmaMin };
}

export function requestKey(request: PanelRequest | ReferenceRequest): string {
  return JSON.stringify(request);
}
