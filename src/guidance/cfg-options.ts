/** The option classifier-free guidance reads (./cfg.ts), declared once for the API, page state, URL and infotext. */
import type { NumberOption } from '../sampling/option-spec';
import type { ImageOptionModule } from '../worlds/image-option';

/** s in D_∅ + s·(D_c − D_∅) (Ho & Salimans 2022): 1 is the conditional model, 0 the unconditional one. */
export const CFG_OPTION: NumberOption = {
  key: 'cfg',
  label: 'CFG scale',
  type: 'number',
  min: 0,
  max: 20,
  step: 0.25,
  default: 1,
  infotext: 'CFG scale',
  url: 'cfg',
  description: 'Classifier-free guidance s: D_∅ + s·(D_c − D_∅); 1 is the conditional model (Ho & Salimans 2022)',
};

/** Shared by every panel; the infotext always names it, as A1111 does. A world may start from another scale
 *  (its manifest's default_cfg: a small model that needs guidance to look like its classes). */
export const CFG_WRAPPER: ImageOptionModule = {
  options: [
    {
      spec: CFG_OPTION,
      scope: 'shared',
      infotextAlways: true,
      worldDefault: (image) => image.defaultCfg ?? CFG_OPTION.default,
    },
  ],
  request: ({ cfg }) => ({ cfg }),
};
