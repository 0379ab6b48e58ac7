/**
 * The panel set each kind of world opens with, and the one line under the panels that says what to look at. Each
 * set is chosen from the committed benchmarks, so the caption states what the panels will show:
 * bench/results/engine.md and amed.md for the 2D set (RMSE to the RK4 reference on gmm:ring8), the image quality
 * benchmark in bench/results/ for the image set (at 10 NFE Euler, DPM++(2M) and iPNDM all give the asked class about
 * 9 times in 10, with DPM++(2M) closest to the data). Image worlds come from the world index, so the image caption
 * claims nothing about one model: it says what to compare. The page shows a caption while the panels are the set it
 * belongs to, so an edited set never keeps a claim that no longer holds.
 */
import { defaultState, PANEL_DEFAULTS, type PanelState, type SandboxState } from './params';

export type WorldKind = '2d' | 'image';

interface Story {
  /** The world the caption's numbers were measured on (elsewhere the set opens without a caption); absent: any world
   *  of the kind. */
  world?: string;
  caption: string;
  panels: readonly PanelState[];
}

const STORIES: Readonly<Record<WorldKind, Story>> = {
  '2d': {
    world: 'gmm:ring8',
    // RMSE on gmm:ring8: Euler 10 NFE 0.353, Heun 5 steps (9 NFE) 2.73, AMED-Solver 5 NFE 0.24.
    caption:
      'Euler at 10 NFE vs Heun at 9 vs AMED-Solver at 5: Heun’s 5 big steps overshoot (RMSE ≈ 2.7), AMED beats Euler with half the evaluations (0.24 vs 0.35).',
    // Euler 10 steps, Heun 5 steps (9 NFE), AMED-Solver 3 steps (5 NFE with AFS).
    panels: [
      { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0 },
      { sampler: 'heun', steps: 5, schedule: 'karras', eta: 0 },
      { sampler: 'amed', steps: 3, schedule: 'time_uniform', eta: 0 },
    ],
  },
  image: {
    caption:
      'Euler, DPM++(2M) and iPNDM at 10 network evaluations each: the same cost. Compare how many images the classifier recognises (readout) and how clean they look.',
    panels: [
      { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0 },
      { sampler: 'dpmpp_2m', steps: 10, schedule: 'karras', eta: 0 },
      { sampler: 'ipndm', steps: 10, schedule: 'karras', eta: 0 },
    ],
  },
};

/** A preset a button puts on the page, with the caption that says what to compare. */
export interface Comparison extends Story {
  /** The button's tooltip. */
  title: string;
}

/**
 * Skip-Tuning (Ma et al. 2024) claims its gain at few steps: the same sampler at 5 steps without and with the UNet's
 * deepest skip scaled by ρ_bottom = 0.7, beside a many-step solution from the same noise as the target. ρ 0.7 is the
 * lowest of the committed benchmark's grid (bench/results/skip-tuning.md), where Euler at 5 NFE gained most; Heun at
 * 20 steps (39 NFE) is a second-order solve far past the few-step regime.
 */
export const SKIP_TUNING_COMPARISON: Comparison = {
  title:
    'Euler at 5 steps without and with Skip-Tuning (ρ_bottom 0.7), and Heun at 39 NFE as the target, on the same noise',
  caption:
    'Euler at 5 steps without (left) and with Skip-Tuning (middle: the UNet’s deepest skip scaled by ρ = 0.7), and Heun at 39 NFE from the same noise as the target (right). Does weakening the skips bring the 5-step images closer to the target?',
  panels: [
    { sampler: 'euler', steps: 5, schedule: 'karras', eta: 0 },
    { sampler: 'euler', steps: 5, schedule: 'karras', eta: 0, skipBottom: 0.7 },
    { sampler: 'heun', steps: 20, schedule: 'karras', eta: 0 },
  ],
};

/** The presets of each kind of world, besides its opening set. */
const COMPARISONS: Readonly<Record<WorldKind, readonly Comparison[]>> = {
  '2d': [],
  image: [SKIP_TUNING_COMPARISON],
};

/** A fresh copy of a preset's panels, to put in a state. */
export function comparisonPanels(comparison: Comparison): PanelState[] {
  return comparison.panels.map((p) => ({ ...p }));
}

/** The page's first load: the default settings with the 2D panel set. */
export function firstLoadState(): SandboxState {
  return { ...defaultState(), panels: storyPanels('2d') };
}

/** A fresh copy of a kind's panel set, to put in a state. */
export function storyPanels(kind: WorldKind): PanelState[] {
  return STORIES[kind].panels.map((p) => ({ ...p }));
}

/** The caption for these panels on this world, or '' when they are not (or no longer) a set that has one: the
 *  kind's opening set or one of its presets. */
export function storyCaption(kind: WorldKind, world: string, panels: readonly PanelState[]): string {
  const story = [STORIES[kind], ...COMPARISONS[kind]].find(
    (s) =>
      (s.world === undefined || world === s.world) &&
      panels.length === s.panels.length &&
      panels.every((p, i) => samePanel(p, s.panels[i])),
  );
  return story?.caption ?? '';
}

function samePanel(a: PanelState, b: PanelState): boolean {
  const norm = (p: PanelState): PanelState => ({ upscale: PANEL_DEFAULTS.upscale, ...p });
  const x = norm(a);
  const y = norm(b);
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => x[k] === y[k]);
}
