/**
 * The one typed state object of the page. The UI reads and writes only this; the URL hash, the PNG metadata and
 * the public API all speak it (architecture.md). Each field's default and allowed range live here, once.
 */
import { DEFAULT_IMAGE_COUNT } from '../api/image-options';
import type { OptionValue } from '../sampling/option-spec';
import type { ScheduleId } from '../sampling/schedules';
import type { GmmSpec } from '../worlds/gmm';
import type { UpscaleMode } from '../worlds/image-option';

/** How a panel reaches an image size above the network's native one (Hwang et al. 2024 compare all three):
 *  Upsample Guidance, the network run naively at the large size, or the native sample upscaled bilinearly. */
export type { UpscaleMode };
export const UPSCALE_MODES: readonly UpscaleMode[] = ['guided', 'naive', 'bilinear'];

/** The class of an image run: one class for every image, 'mixed' (image i gets class i mod the class count), or
 *  'unconditional' (the null class of classifier-free guidance). */
type ImageLabel = number | 'mixed' | 'unconditional';

/**
 * One comparison panel. The optional fields are absent while they hold their default (PANEL_DEFAULTS), so states
 * from before they existed, and the 2D links of the first page, keep their exact form.
 */
export interface PanelState {
  sampler: string;
  steps: number;
  schedule: ScheduleId;
  /** Noise level of stochastic samplers, 0–1 (ignored by deterministic ones). */
  eta: number;
  /** This panel's own world, one of the shared world's reflow family (1-RF, 2-RF, …); absent: the shared world. */
  world?: string;
  /** Image worlds above the native size: how this panel gets there. */
  upscale?: UpscaleMode;
  /** The options samplers declare on their registry entries (ReFlow's `sigmaVar`, AMED's `afs` and `base`, …) and the
   *  image options each panel holds (Skip-Tuning's `skipBottom` and `skipTop`, ../guidance/wrappers.ts), by key, each
   *  present only away from its default (./panel-options.ts, ./image-values.ts). */
  [option: string]: OptionValue | undefined;
}

export const PANEL_DEFAULTS = { upscale: 'guided' as UpscaleMode } as const;

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
  /** Image worlds only, absent at their defaults: the image options every panel shares, by the key their modules
   *  declare (../guidance/wrappers.ts; read and written through ./image-values.ts): the class, the classifier-free
   *  guidance scale, the image side, and Upsample Guidance's weight w and guided fraction η. */
  label?: ImageLabel;
  cfg?: number;
  size?: number;
  ugWeight?: number;
  ugEta?: number;
}

/** A 4×4 grid: the default count of image worlds (2D worlds take defaultState().count). */
export { DEFAULT_IMAGE_COUNT };

export const LIMITS = {
  seed: [0, 0xffffffff],
  count: [1, 16384],
  steps: [1, 1000],
  nfe: [1, 1000],
  sigmaMax: [0.1, 1000],
  sigmaMin: [1e-4, 10],
  rho: [1, 20],
  panels: [2, 6],
  /** Images per panel: each costs a full network evaluation per step. */
  imageCount: [1, 64],
} as const;

export function defaultState(): SandboxState {
  // The base every state is checked against; the first load shows ./stories.ts's 2D set over it.
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
