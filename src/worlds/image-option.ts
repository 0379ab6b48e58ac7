/**
 * How an image world's options are declared: the world's own (the class and the image side, whose ranges come from
 * the world's manifest) and those of each denoiser wrapper above it (classifier-free guidance, Upsample Guidance,
 * Skip-Tuning). Each option is one declaration (../sampling/option-spec.ts) in the module that owns it; the modules
 * are listed once (../guidance/wrappers.ts), and the page state, the URL, the PNG infotext, the panel controls, the
 * X/Y axes and the requests to the engine all iterate over that list.
 */
import type { OptionSpec, OptionValue } from '../sampling/option-spec';
import type { ImageWorldInfo } from './types';

/** What an option's range may depend on: the world manifest's native side, largest side and class names. */
export type ImageFacts = Pick<ImageWorldInfo, 'size' | 'maxSize' | 'classes' | 'defaultCfg'>;

/**
 * Where the page keeps a value: `shared` by every panel (the class, CFG, the image side, Upsample Guidance), or each
 * panel's own (`panel`: Skip-Tuning, so that panels can put a tuned and an untuned network side by side).
 */
export type OptionScope = 'shared' | 'panel';

/** How a panel reaches an image side above the native one (Hwang et al. 2024 compare all three). */
export type UpscaleMode = 'guided' | 'naive' | 'bilinear';

/** What decides whether an option acts on one panel's run. */
export interface PanelImage {
  image: ImageFacts;
  /** The shared image side. */
  size: number;
  upscale: UpscaleMode;
}

export interface ImageOption {
  /** Key, label, description, infotext name and URL key; the range and default where they do not depend on the
   *  world (a world-dependent option gives them in `onWorld`). */
  spec: OptionSpec;
  scope: OptionScope;
  /** The declaration on one world, when its range comes from the world's manifest. */
  onWorld?(image: ImageFacts): OptionSpec;
  /** The default on one world, where only the default (not the range) comes from the world's manifest. */
  worldDefault?(image: ImageFacts): OptionValue;
  /** Where the page state holds a value in another form than the option (the class as its index): `fromState` turns
   *  any raw value into the option's form for checking, `toState` a valid option value back. */
  stored?: { toState(value: OptionValue): OptionValue; fromState(raw: unknown): unknown };
  /** The infotext writes it at its default too (A1111 always writes "CFG scale"); otherwise only away from it. */
  infotextAlways?: boolean;
  /** How a control lists a value, where that is not the value itself ("56×56 (native)"). */
  controlText?(value: OptionValue, image: ImageFacts): string;
  /** Infotext text where it is not the value itself (a class name, "56x56"), and how such text reads back. */
  infotextText?: { write(value: OptionValue, image: ImageFacts): string; read?(text: string): unknown };
}

/** A world's own options, or one denoiser wrapper's: its options and what they ask of the engine. */
export interface ImageOptionModule {
  options: readonly ImageOption[];
  /** Whether the options act on a panel's run (Upsample Guidance: above the native side, guided); absent: always.
   *  Where they do not act, the infotext leaves them out and the shared controls hide them. */
  appliesTo?(panel: PanelImage): boolean;
  /** The arguments of `sample` and `denoise` that the values ask for (by key, in the page state's form, defaults
   *  filled in), e.g. `{ upsampleGuidance: { w, eta } }`; called only where the module applies. */
  request(values: Readonly<Record<string, OptionValue>>, panel: PanelImage): Record<string, unknown>;
}

/** The declaration on this world (its manifest's ranges), or the static one. */
export const optionOn = (option: ImageOption, image: ImageFacts): OptionSpec =>
  option.onWorld?.(image) ??
  (option.worldDefault ? ({ ...option.spec, default: option.worldDefault(image) } as OptionSpec) : option.spec);

/** The default in the page state's form on this world (the class default 'mixed', the native side). */
export function stateDefault(option: ImageOption, image: ImageFacts): OptionValue {
  const value = optionOn(option, image).default;
  return option.stored ? option.stored.toState(value) : value;
}
