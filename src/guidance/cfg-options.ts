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

/** Shared by every panel; the infotext always names it, as A1111 does. */
export const CFG_WRAPPER: ImageOptionModule = {
  options: [{ spec: CFG_OPTION, scope: 'shared', infotextAlways: true }],
  request: ({ cfg }) => ({ cfg }),
};
