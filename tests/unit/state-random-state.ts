/** Seeded random valid states for round-trip tests, drawn with full-precision doubles where a field allows them. */
import { PANEL_IMAGE_OPTIONS } from '../../src/guidance/wrapper-options';
import { SAMPLERS } from '../../src/sampling/samplers';
import { SCHEDULES } from '../../src/sampling/schedules';
import { AMED_BASE_OPTION } from '../../src/sampling/samplers/amed';
import { ETA_OPTION } from '../../src/sampling/samplers/sde';
import { defaultState, LIMITS, UPSCALE_MODES, type PanelState, type SandboxState } from '../../src/state/params';
import { liveReflowId, MAX_REFLOW_LEVEL } from '../../src/state/reflow-family';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';
import { lcg, randomMixture } from '../reference/random-mixture';

export const WORLDS = new WorldRegistry(shippedWorlds()).list();
export const SAMPLER_LIST = SAMPLERS.map(({ id, label, a1111, stochastic, options }) => ({
  id,
  label,
  a1111,
  stochastic,
  options,
}));
/** A fixed list for tests that check notice texts word for word, so new samplers don't change them. */
export const CORE_SAMPLERS = [
  { id: 'euler', stochastic: false, options: [] },
  { id: 'heun', stochastic: false, options: [] },
  { id: 'dpmpp_2m', stochastic: false, options: [] },
  { id: 'ipndm', stochastic: false, options: [] },
  { id: 'sde', stochastic: true, options: [ETA_OPTION] },
];

/** Panel options away from their defaults, each present about a third of the time. */
function randomPanelOptions(
  u: () => number,
  pick: <T>(list: readonly T[]) => T,
  family: string[],
): Partial<PanelState> {
  const options: Partial<PanelState> = {};
  if (family.length > 0 && u() < 0.4) options.world = pick(family);
  if (u() < 0.3) options.sigmaVar = u() * 2 || 0.5;
  if (u() < 0.3) options.base = pick(AMED_BASE_OPTION.choices.slice(1)).value;
  if (u() < 0.3) options.afs = false;
  if (u() < 0.3) options.upscale = pick(UPSCALE_MODES.slice(1));
  // Schedule parameters (src/sampling/schedules.ts): a number anywhere in its range, a choice away from its default.
  if (u() < 0.3) options.vpBetaD = 1 + u() * 24;
  if (u() < 0.3) options.betaAlpha = 0.1 + u() * 3.9;
  if (u() < 0.3) options.gitsMetric = pick(['l2', 'l1']);
  if (u() < 0.3) options.gitsFinePoints = 11 + Math.floor(u() * 50);
  return options;
}

export function randomState(seed: number): SandboxState {
  const u = lcg(seed);
  const int = ([min, max]: readonly [number, number]) => min + Math.floor(u() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(u() * list.length)];
  const sigmaMax = 0.1 + u() * 999.9;
  const custom = u() < 0.5 ? randomMixture(seed, 1 + Math.floor(u() * 12)) : undefined;
  // Sometimes a 2D world's reflow level, which the page makes again when a link names it.
  const preset = pick(WORLDS);
  const world =
    custom && u() < 0.7
      ? 'custom'
      : preset.kind === '2d' && u() < 0.3
        ? liveReflowId(preset.id, int([2, MAX_REFLOW_LEVEL]))
        : preset.id;
  const base = world.replace(/:\d+rf$/, '');
  // The other members of the shared world's family, for panels that take their own (the shared one is left out).
  const family =
    world === 'custom' || preset.kind === 'image'
      ? []
      : [base, ...Array.from({ length: MAX_REFLOW_LEVEL - 1 }, (_, k) => liveReflowId(base, k + 2))].filter(
          (id) => id !== world,
        );
  const panels = Array.from({ length: int(LIMITS.panels) }, () => {
    const sampler = pick(SAMPLERS);
    // Deterministic samplers ignore η, and the infotext leaves it out for them; keep it 0 there.
    return {
      sampler: sampler.id,
      steps: int(LIMITS.steps),
      schedule: pick(SCHEDULES).id,
      eta: sampler.stochastic ? u() : 0,
      ...randomPanelOptions(u, pick, family),
    };
  });
  const image = WORLDS.find((w) => w.id === world)?.image;
  if (image) for (const panel of panels) Object.assign(panel, randomPanelImageOptions(u));
  return {
    world,
    ...(custom ? { custom } : {}),
    seed: int(LIMITS.seed),
    count: int(image ? LIMITS.imageCount : LIMITS.count),
    equalNfe: u() < 0.5,
    nfe: int(LIMITS.nfe),
    sigmaMax,
    sigmaMin: 1e-4 + u() * (Math.min(10, sigmaMax) - 1e-4) * 0.999,
    rho: 1 + u() * 19,
    panels,
    showTrajectories: u() < 0.5,
    ...(image ? randomImageFields(u, image) : {}),
  };
}

/** A panel's own image options (Skip-Tuning's ρ) away from their defaults, each present about a third of the time. */
function randomPanelImageOptions(u: () => number): Partial<PanelState> {
  const options: Partial<PanelState> = {};
  for (const { spec } of PANEL_IMAGE_OPTIONS) {
    if (spec.type !== 'number' || u() >= 0.3) continue;
    // Full-precision doubles in (min, max]: 1 − u is in (0, 1].
    const value = spec.min + (1 - u()) * (spec.max - spec.min);
    if (value !== spec.default) options[spec.key] = value;
  }
  return options;
}

/** Image settings away from their defaults (each present about half the time). */
function randomImageFields(
  u: () => number,
  image: { size: number; maxSize: number; classes: readonly string[] },
): Partial<SandboxState> {
  const fields: Partial<SandboxState> = {};
  if (u() < 0.5) fields.label = u() < 0.2 ? 'unconditional' : Math.floor(u() * image.classes.length);
  if (u() < 0.5) fields.cfg = u() * 20;
  if (u() < 0.6) fields.size = image.size * (2 + Math.floor(u() * (image.maxSize / image.size - 1)));
  if (u() < 0.5) fields.ugWeight = u() * 5;
  if (u() < 0.5) fields.ugEta = u();
  return fields;
}

/** The defaults with some fields replaced. */
export function stateWith(fields: Partial<SandboxState>): SandboxState {
  return { ...defaultState(), ...fields };
}
