/**
 * The one typed state object of the page. The UI reads and writes only this; the URL hash, the PNG metadata and
 * the public API all speak it (architecture.md). Each field's default and allowed range live here, once.
 */
import type { ScheduleId } from '../sampling/schedules';
import type { GmmSpec } from '../worlds/gmm';

export interface PanelState {
  sampler: string;
  steps: number;
  schedule: ScheduleId;
  /** Noise level of stochastic samplers, 0–1 (ignored by deterministic ones). */
  eta: number;
}

export interface SandboxState {
  /** A world id from sandbox.worlds, or 'custom' (then `custom` holds the mixture the user drew). */
  world: string;
  custom?: GmmSpec;
  seed: number;
  /** Number of samples (2D particles, or images per panel). */
  count: number;
  /** When on, every panel gets the same NFE budget and its steps follow from it. */
  equalNfe: boolean;
  nfe: number;
  sigmaMax: number;
  sigmaMin: number;
  rho: number;
  /** 2–6 comparison panels. */
  panels: PanelState[];
  showTrajectories: boolean;
}

export const LIMITS = {
  seed: [0, 0xffffffff],
  count: [1, 16384],
  steps: [1, 1000],
  nfe: [1, 1000],
  eta: [0, 1],
  sigmaMax: [0.1, 1000],
  sigmaMin: [1e-4, 10],
  rho: [1, 20],
  panels: [2, 6],
} as const;

export function defaultState(): SandboxState {
  // The first-load story (issue "page" §1): Euler at 10, Heun at 5, the η-SDE at 10, same noise, ring of 8.
  return {
    world: 'gmm:ring8',
    seed: 42,
    count: 2048,
    equalNfe: false,
    nfe: 10,
    sigmaMax: 80,
    sigmaMin: 0.002,
    rho: 7,
    panels: [
      { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0 },
      { sampler: 'heun', steps: 5, schedule: 'karras', eta: 0 },
      { sampler: 'sde', steps: 10, schedule: 'karras', eta: 1 },
    ],
    showTrajectories: false,
  };
}
