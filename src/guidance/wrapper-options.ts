/** The image options of the modules listed in ./wrappers.ts, as lists: all of them, those every panel shares and
 *  those each panel holds; and which of them act on a panel. */
import type { ImageOption, ImageOptionModule, OptionScope, PanelImage } from '../worlds/image-option';
import { IMAGE_MODULES } from './wrappers';

/** Every image option, in list order. */
export const IMAGE_OPTIONS: readonly ImageOption[] = IMAGE_MODULES.flatMap((m) => m.options);

/** The options every panel shares (the state holds them), and those each panel holds. */
export const SHARED_IMAGE_OPTIONS = IMAGE_OPTIONS.filter((o) => o.scope === 'shared');
export const PANEL_IMAGE_OPTIONS = IMAGE_OPTIONS.filter((o) => o.scope === 'panel');

/** The modules that act on this panel (Upsample Guidance only above the native side, guided), in list order. */
export const actingModules = (panel: PanelImage): ImageOptionModule[] =>
  IMAGE_MODULES.filter((m) => m.appliesTo?.(panel) ?? true);

/** The options of the modules that act on this panel, in list order; of one scope when given (the shared controls
 *  show the shared ones, a panel's controls its own). */
export function actingOptions(panel: PanelImage, scope?: OptionScope): ImageOption[] {
  return actingModules(panel)
    .flatMap((m) => m.options)
    .filter((o) => scope === undefined || o.scope === scope);
}
