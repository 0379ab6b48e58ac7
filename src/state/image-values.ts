/**
 * The values of an image world's options (../guidance/wrappers.ts) in the page state: a shared option lives on the
 * state, a panel option on each panel, under the key it declares, and only away from its default. Everything that
 * reads or writes them goes through here, so none of it names an option.
 */
import { actingModules, actingOptions } from '../guidance/wrapper-options';
import type { OptionValue } from '../sampling/option-spec';
import { stateDefault, type ImageFacts, type ImageOption, type PanelImage } from '../worlds/image-option';
import { PANEL_DEFAULTS, type PanelState, type SandboxState } from './params';

type Values = Record<string, OptionValue | undefined>;

/** What the state (or, for a panel option, the panel) holds, or undefined at the default. */
export function heldValue(state: SandboxState, panelIndex: number, option: ImageOption): OptionValue | undefined {
  const holder: Values = option.scope === 'panel' ? state.panels[panelIndex] : (state as unknown as Values);
  return holder[option.spec.key];
}

/** The value a panel runs with, in the state's form: what is held, else the default on this world. */
export function imageValue(state: SandboxState, panelIndex: number, option: ImageOption, image: ImageFacts) {
  return heldValue(state, panelIndex, option) ?? stateDefault(option, image);
}

/** Sets a value on a state draft (a shared option) or on a panel (a panel option); the default is left out. */
export function setImageValue(
  holder: SandboxState | PanelState,
  option: ImageOption,
  value: OptionValue,
  image: ImageFacts,
): void {
  const values = holder as unknown as Values;
  if (value === stateDefault(option, image)) delete values[option.spec.key];
  else values[option.spec.key] = value;
}

/** Removes every shared image option from a state draft (when the world becomes a 2D one). */
export function dropImageValues(state: SandboxState, options: readonly ImageOption[]): void {
  for (const option of options) delete (state as unknown as Values)[option.spec.key];
}

/** What decides whether a module acts on this panel: the world's facts, the shared side, the panel's upscaling. */
export function panelImageOf(state: SandboxState, panelIndex: number, image: ImageFacts): PanelImage {
  return {
    image,
    size: state.size ?? image.size,
    upscale: state.panels[panelIndex].upscale ?? PANEL_DEFAULTS.upscale,
  };
}

/** The arguments of `sample` every module that acts on this panel asks for, in list order. */
export function imageArguments(state: SandboxState, panelIndex: number, image: ImageFacts): Record<string, unknown> {
  const panel = panelImageOf(state, panelIndex, image);
  return Object.assign(
    {},
    ...actingModules(panel).map((m) =>
      m.request(Object.fromEntries(m.options.map((o) => [o.spec.key, imageValue(state, panelIndex, o, image)])), panel),
    ),
  );
}

/** The options of the modules that act on this panel, in list order (what its infotext writes). */
export function panelOptions(state: SandboxState, panelIndex: number, image: ImageFacts): ImageOption[] {
  return actingOptions(panelImageOf(state, panelIndex, image));
}
