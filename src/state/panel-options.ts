/**
 * The sampler and schedule options of a panel, as the samplers and schedules declare them (src/sampling/samplers/,
 * src/sampling/schedules.ts): a panel stores each one flat under its key, only away from its default. η is the exception in storage only: the link format has always
 * carried it as a panel's fourth part, so every panel holds `eta` (0 for samplers that do not declare it).
 */
import type { OptionSpec, OptionValue } from '../sampling/option-spec';
import { SAMPLER_OPTIONS } from '../sampling/samplers';
import { SCHEDULE_OPTIONS } from '../sampling/schedules';
import type { PanelState } from './params';

/** The option every panel holds positionally. */
export const POSITIONAL_OPTION = 'eta';

/** The declaration of η (the samplers that declare it share one). */
export const ETA_SPEC = SAMPLER_OPTIONS.find((s) => s.key === POSITIONAL_OPTION)! as Extract<
  OptionSpec,
  { type: 'number' }
>;

/** Every option a panel can hold: the samplers' and the schedules' (vp's β_d, GITS's metric, …). */
export const PANEL_OPTIONS: readonly OptionSpec[] = [...SAMPLER_OPTIONS, ...SCHEDULE_OPTIONS];

/** The options a panel stores by key, besides η. */
export const STORED_OPTIONS: readonly OptionSpec[] = PANEL_OPTIONS.filter((s) => s.key !== POSITIONAL_OPTION);

/** Every option its owner (the panel's sampler or its schedule) declares, with the panel's value, else the
 *  declared default. */
export function panelOptionValues(
  panel: PanelState,
  owner: { options: readonly OptionSpec[] } | undefined,
): Record<string, OptionValue> {
  return Object.fromEntries((owner?.options ?? []).map((spec) => [spec.key, panel[spec.key] ?? spec.default]));
}
