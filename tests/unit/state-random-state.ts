/** Seeded random valid states for round-trip tests, drawn with full-precision doubles where a field allows them. */
import { SAMPLERS } from '../../src/sampling/samplers';
import { SCHEDULES } from '../../src/sampling/schedules';
import { defaultState, LIMITS, type SandboxState } from '../../src/state/params';
import { WorldRegistry } from '../../src/worlds/registry';
import { lcg, randomMixture } from '../reference/random-mixture';

export const WORLDS = new WorldRegistry().list();
export const SAMPLER_LIST = SAMPLERS.map(({ id, label, stochastic }) => ({ id, label, stochastic }));
/** A fixed list for tests that check notice texts word for word, so new samplers don't change them. */
export const CORE_SAMPLERS = [
  { id: 'euler', stochastic: false },
  { id: 'heun', stochastic: false },
  { id: 'dpmpp_2m', stochastic: false },
  { id: 'ipndm', stochastic: false },
  { id: 'sde', stochastic: true },
];

export function randomState(seed: number): SandboxState {
  const u = lcg(seed);
  const int = ([min, max]: readonly [number, number]) => min + Math.floor(u() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(u() * list.length)];
  const sigmaMax = 0.1 + u() * 999.9;
  const custom = u() < 0.5 ? randomMixture(seed, 1 + Math.floor(u() * 12)) : undefined;
  const panels = Array.from({ length: int(LIMITS.panels) }, () => {
    const sampler = pick(SAMPLERS);
    // Deterministic samplers ignore η, and the infotext leaves it out for them; keep it 0 there.
    return { sampler: sampler.id, steps: int(LIMITS.steps), schedule: pick(SCHEDULES).id, eta: sampler.stochastic ? u() : 0 };
  });
  return {
    world: custom && u() < 0.7 ? 'custom' : pick(WORLDS).id,
    ...(custom ? { custom } : {}),
    seed: int(LIMITS.seed),
    count: int(LIMITS.count),
    equalNfe: u() < 0.5,
    nfe: int(LIMITS.nfe),
    sigmaMax,
    sigmaMin: 1e-4 + u() * (Math.min(10, sigmaMax) - 1e-4) * 0.999,
    rho: 1 + u() * 19,
    panels,
    showTrajectories: u() < 0.5,
  };
}

/** The defaults with some fields replaced. */
export function stateWith(fields: Partial<SandboxState>): SandboxState {
  return { ...defaultState(), ...fields };
}
