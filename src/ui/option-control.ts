/**
 * The control a declared option asks for (../sampling/option-spec.ts): a checkbox for a switch, a select for a
 * choice or for a number that takes only multiples (an image side), a slider for any other number. Sampler options,
 * a panel's own image options and the shared image options all draw theirs here.
 */
import { html } from 'lit';
import type { OptionSpec, OptionValue } from '../sampling/option-spec';

export interface OptionControl {
  spec: OptionSpec;
  value: OptionValue;
  /** The accessible name (a panel's controls prefix the panel's name). */
  name: string;
  set: (value: OptionValue) => void;
  /** How a select shows a value, where that is not the value itself (a side as "56×56"). */
  valueText?: (value: OptionValue) => string;
}

export function optionControl({ spec, value, name, set, valueText = String }: OptionControl) {
  if (spec.type === 'boolean') {
    return html`<label title=${spec.description}
      ><input
        type="checkbox"
        .checked=${value === true}
        aria-label=${name}
        data-option=${spec.key}
        @change=${(e: Event) => set((e.target as HTMLInputElement).checked)}
      />${spec.label}</label
    >`;
  }
  if (spec.type === 'choice' || spec.multipleOf !== undefined) {
    const choices =
      spec.type === 'choice'
        ? spec.choices
        : Array.from(
            { length: Math.floor(spec.max / spec.multipleOf!) - Math.ceil(spec.min / spec.multipleOf!) + 1 },
            (_, k) => {
              const v = (Math.ceil(spec.min / spec.multipleOf!) + k) * spec.multipleOf!;
              return { value: String(v), label: valueText(v) };
            },
          );
    const read = (text: string): OptionValue => (spec.type === 'number' ? Number(text) : text);
    return html`<label title=${spec.description}
      >${spec.label}
      <select
        aria-label=${name}
        data-option=${spec.key}
        @change=${(e: Event) => set(read((e.target as HTMLSelectElement).value))}
      >
        ${choices.map((c) => html`<option value=${c.value} ?selected=${c.value === String(value)}>${c.label}</option>`)}
      </select>
    </label>`;
  }
  // As many decimals as the control's increment needs (vp's ε_s moves in steps of 1e−4), at least two.
  const decimals = Math.max(2, Math.ceil(-Math.log10(spec.step)));
  const shown = spec.integer ? String(value) : Number(value).toFixed(decimals);
  return html`<label title=${spec.description}
    >${spec.label} ${shown}
    <input
      type="range"
      min=${spec.exclusiveMin ? spec.min + spec.step : spec.min}
      max=${spec.max}
      step=${spec.step}
      .value=${String(value)}
      aria-label=${name}
      data-option=${spec.key}
      @input=${(e: Event) => set(Number((e.target as HTMLInputElement).value))}
    />
  </label>`;
}
