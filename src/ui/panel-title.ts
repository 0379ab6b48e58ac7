/**
 * A panel's title names what sets it apart from the other panels: its sampler and steps, plus the reflow-family
 * member and the upscale mode where the panels differ in those (after the one-step preset every panel runs the same
 * sampler, so only the member tells 1-RF from 2-RF), and the image options the panel holds away from their defaults
 * (after the Skip-Tuning preset two panels differ only in ρ). The short form fits one line; the full form is its
 * tooltip.
 */
import { PANEL_IMAGE_OPTIONS } from '../guidance/wrapper-options';
import { PANEL_DEFAULTS, type SandboxState, type UpscaleMode } from '../state/params';
import { reflowLabel } from '../state/reflow-family';
import type { SamplerMeta } from '../api/sandbox';
import type { WorldInfo } from '../worlds/types';
import { panelImage, panelSteps, panelWorldArg } from './runs/run-request';

const UPSCALE_SHORT: Record<UpscaleMode, string> = { guided: 'UG', naive: 'naive', bilinear: 'bilinear' };
const UPSCALE_LONG: Record<UpscaleMode, string> = {
  guided: 'Upsample Guidance',
  naive: 'network run naively',
  bilinear: 'bilinear upscale of the native sample',
};

export interface PanelTitle {
  /** One line: "Euler 10 · 2-RF", "Euler 10 · UG ×2". */
  short: string;
  /** Everything: the sampler's full name, steps, schedule, world member, upscale. */
  full: string;
}

/** The sampler's name without a spaced parenthesised detail: "η-SDE (Euler–Maruyama)" → "η-SDE"; "DPM++(2M)" is a
 *  name, kept whole. */
export function shortSamplerName(label: string): string {
  const cut = label.replace(/\s+\(.*\)\s*$/, '');
  return cut || label;
}

export function panelTitle(
  state: SandboxState,
  index: number,
  samplers: readonly SamplerMeta[],
  worlds: readonly WorldInfo[],
): PanelTitle {
  const panel = state.panels[index];
  const sampler = samplers.find((s) => s.id === panel.sampler);
  const label = sampler?.label ?? panel.sampler;
  const steps = state.equalNfe ? panelSteps(state, index, samplers) : panel.steps;
  const member = (i: number) => {
    const w = panelWorldArg(state, i);
    return typeof w === 'string' ? w : 'custom';
  };
  const upscale = (i: number): UpscaleMode | undefined => {
    const image = panelImage(state, i, worlds);
    if (!image || (state.size ?? image.size) <= image.size) return undefined;
    return state.panels[i].upscale ?? PANEL_DEFAULTS.upscale;
  };
  const all = state.panels.map((_, i) => i);
  const membersDiffer = new Set(all.map(member)).size > 1;
  const mode = upscale(index);
  const image = panelImage(state, index, worlds);
  const factor = image ? `×${(state.size ?? image.size) / image.size}` : '';
  const short = [`${shortSamplerName(label)} ${steps}`];
  const full = [`${label}, ${steps} steps, ${panel.schedule} schedule`];
  if (membersDiffer || panel.world) {
    short.push(reflowLabel(member(index)));
    full.push(`world ${member(index)} (${reflowLabel(member(index))})`);
  }
  if (mode) {
    short.push(`${UPSCALE_SHORT[mode]} ${factor}`);
    full.push(`${UPSCALE_LONG[mode]} ${factor}`);
  }
  for (const { spec } of image ? PANEL_IMAGE_OPTIONS : []) {
    const value = panel[spec.key];
    if (value === undefined) continue;
    short.push(`${spec.label} ${value}`);
    full.push(`${spec.label} ${value}`);
  }
  return { short: short.join(' · '), full: full.join(' · ') };
}
