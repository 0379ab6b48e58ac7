/**
 * The sampler options of a panel, as the samplers declare them (src/sampling/samplers/): a panel stores each one
 * flat under its key, only away from its default. η is the exception in storage only: the link format has always
 * carried it as a panel's fourth part, so every panel holds `eta` (0 for samplers that do not declare it).
 */
import type { OptionSpec, OptionValue } from '../sampling/option-spec';
import { SAMPLER_OPTIONS } from '../sampling/samplers';
import type { PanelState } from './params';

/** The option every panel holds positionally. */
export const POSITIONAL_OPTION = 'eta';

/** The declaration of η (the samplers that declare it share one). */
export const ETA_SPEC = SAMPLER_OPTIONS.find((s) => s.key === POSITIONAL_OPTION)! as Extract<
  OptionSpec,
  { type: 'number' }
>;

/** The options a panel stores by key, besides η. */
export const STORED_OPTIONS: readonly OptionSpec[] = SAMPLER_OPTIONS.filter((s) => s.key !== POSITIONAL_OPTION);

/** Every declared option's value for a panel's sampler (its own value, else the declared default). */
export function panelOptionValues(
  panel: PanelState,
  sampler: { options: readonly OptionSpec[] } | undefined,
): Record<string, OptionValue> {
  return Object.fromEntries((sampler?.options ?? []).map((spec) => [spec.key, panel[spec.key] ?? spec.default]));
}
