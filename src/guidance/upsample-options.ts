/** The options Upsample Guidance reads (./upsample.ts), declared once for the API, page state, URL and infotext. */
import type { NumberOption } from '../sampling/option-spec';
import type { ImageOptionModule } from '../worlds/image-option';

/** The guidance weight w of D̂ = D + w_σ·U[D(P x; σ/m) − P D(x; σ)] (Hwang, Park & Jo 2024). */
const UG_WEIGHT_OPTION: NumberOption = {
  key: 'ugWeight',
  label: 'UG w',
  type: 'number',
  min: 0,
  max: 5,
  step: 0.05,
  default: 1,
  infotext: 'UG weight',
  url: 'ugw',
  description: 'Upsample Guidance weight w (Hwang et al. 2024)',
};

/** η, the guided fraction of diffusion time from the noisy end (Hwang et al. 2024). */
const UG_ETA_OPTION: NumberOption = {
  key: 'ugEta',
  label: 'UG η',
  type: 'number',
  min: 0,
  max: 1,
  step: 0.05,
  default: 0.6,
  infotext: 'UG eta',
  url: 'ugeta',
  description: 'Upsample Guidance is on for this first fraction η of diffusion time (the noisy end)',
};

/** The fields of the public API's `upsampleGuidance: { w, eta }`, by their declarations. */
export const UPSAMPLE_GUIDANCE_FIELDS = { w: UG_WEIGHT_OPTION, eta: UG_ETA_OPTION } as const;

/** Shared by every panel; it acts only on a panel above the native side that asks for it (`upscale: 'guided'`), and
 *  there the infotext always names w and η (the naive and bilinear panels beside it have neither). */
export const UPSAMPLE_GUIDANCE: ImageOptionModule = {
  options: [UG_WEIGHT_OPTION, UG_ETA_OPTION].map((spec) => ({ spec, scope: 'shared', infotextAlways: true })),
  appliesTo: (panel) => panel.size > panel.image.size && panel.upscale === 'guided',
  request: ({ ugWeight, ugEta }) => ({ upsampleGuidance: { w: ugWeight, eta: ugEta } }),
};
