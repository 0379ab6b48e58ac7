/**
 * The one list of an image world's option modules: its own options (class, side) and its denoiser wrappers'
 * (classifier-free guidance, Upsample Guidance, Skip-Tuning). The page state and its checks, the URL, the PNG
 * infotext and JSON chunk, the panel and shared controls, the X/Y axes and the requests to the engine iterate over
 * it, so a new wrapper adds its module (its options declared once, ../worlds/image-option.ts) to this list and
 * touches none of them. The order is the order of the URL's and the infotext's keys; ./wrapper-options.ts derives
 * the lists of options from it.
 */
import { CLASS_MODULE, SIZE_MODULE } from '../worlds/image-world-options';
import type { ImageOptionModule } from '../worlds/image-option';
import { CFG_WRAPPER } from './cfg-options';
import { SKIP_TUNING } from './skip-tuning-options';
import { UPSAMPLE_GUIDANCE } from './upsample-options';

export const IMAGE_MODULES: readonly ImageOptionModule[] = [
  CLASS_MODULE,
  CFG_WRAPPER,
  SIZE_MODULE,
  UPSAMPLE_GUIDANCE,
  SKIP_TUNING,
];
