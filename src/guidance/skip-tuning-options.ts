/**
 * The options of Skip-Tuning (Ma et al., "The Surprising Effectiveness of Skip-Tuning in Diffusion Sampling", ICML
 * 2024): ρ_bottom for the deepest long skip of the UNet and ρ_top for the one nearest the input, interpolated
 * linearly in between (../worlds/unet/skip-tuning.ts). Declared once for the API, the page state, URL and infotext.
 */
import type { NumberOption } from '../sampling/option-spec';
import type { ImageOptionModule } from '../worlds/image-option';

/** The paper tunes ρ below 1 (its best ImageNet-64 settings are around 0.8); above 1 is allowed for comparison. A
 *  skip scaled by 0 would cut the decoder off from the encoder, so 0 itself is excluded. */
const skipScale = (key: string, label: string, infotext: string, url: string, where: string): NumberOption => ({
  key,
  label,
  type: 'number',
  min: 0,
  exclusiveMin: true,
  max: 1.5,
  step: 0.05,
  default: 1,
  infotext,
  url,
  description: `Skip-Tuning: the UNet's ${where} long skip is scaled by this ρ before the decoder reads it; 1 is off (Ma et al. 2024)`,
});

/** ρ_bottom, the deepest skip's factor. */
export const SKIP_BOTTOM_OPTION = skipScale('skipBottom', 'Skip ρ_bottom', 'Skip tuning', 'skip', 'deepest');
/** ρ_top, the factor of the skip nearest the input. */
export const SKIP_TOP_OPTION = skipScale('skipTop', 'Skip ρ_top', 'Skip tuning top', 'skiptop', 'outermost');

/** The fields of the public API's `skipTuning: { bottom, top }`, by their declarations. */
export const SKIP_TUNING_FIELDS = { bottom: SKIP_BOTTOM_OPTION, top: SKIP_TOP_OPTION } as const;

/** Each panel's own, so that a tuned and an untuned network can run side by side; ρ = 1 on both ends is the network
 *  as trained, which asks for nothing (and keeps the untuned network's cache keys). */
export const SKIP_TUNING: ImageOptionModule = {
  options: [SKIP_BOTTOM_OPTION, SKIP_TOP_OPTION].map((spec) => ({ spec, scope: 'panel' })),
  request: ({ skipBottom, skipTop }) =>
    skipBottom === SKIP_BOTTOM_OPTION.default && skipTop === SKIP_TOP_OPTION.default
      ? {}
      : { skipTuning: { bottom: skipBottom, top: skipTop } },
};
