/**
 * The shared settings of an image world: a control for each shared image option whose module acts here
 * (../guidance/wrappers.ts: the class, the classifier-free guidance scale, the resolution, and above the native side
 * Upsample Guidance's weight w and guided fraction η, Hwang et al. 2024), drawn from its declaration. Presets put
 * naive, guided and bilinear-upscaled panels side by side on the same noise, or one sampler with and without
 * Skip-Tuning beside a many-step target (../state/stories.ts).
 */
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { actingOptions } from '../guidance/wrapper-options';
import type { OptionValue } from '../sampling/option-spec';
import { heldValue, setImageValue } from '../state/image-values';
import type { SandboxState, UpscaleMode } from '../state/params';
import { comparisonPanels, SKIP_TUNING_COMPARISON } from '../state/stories';
import { optionOn, stateDefault, type ImageOption } from '../worlds/image-option';
import type { ImageWorldInfo } from '../worlds/types';
import { storeContext } from './contexts';
import type { StateStore } from './state-store';
import { controlGrid, controls, focusRing } from './styles';
import { optionControl } from './option-control';

/** The Upsample Guidance comparison, in the order of Hwang et al. 2024's figures. */
const COMPARISON: readonly UpscaleMode[] = ['naive', 'guided', 'bilinear'];

@customElement('image-controls')
export class ImageControls extends LitElement {
  static override styles = [focusRing, controls, controlGrid];

  @consume({ context: storeContext }) private store!: StateStore;
  @property({ attribute: false }) state!: SandboxState;
  @property({ attribute: false }) image!: ImageWorldInfo;

  override render() {
    const size = this.state.size ?? this.image.size;
    // The shared controls serve every panel: a module shows its options where it acts on a guided panel.
    const here = { image: this.image, size, upscale: 'guided' as const };
    return html`<div class="grid">
      ${actingOptions(here, 'shared').map((option) => this.control(option))}
      <button
        @click=${this.comparisonPreset}
        ?disabled=${2 * this.image.size > this.image.maxSize}
        data-action="ug-comparison"
        title="Naive, Upsample Guidance and bilinear-upscaled ${this.image.size}×${this.image.size} panels side by side, on the same noise"
      >
        Upsample Guidance comparison
      </button>
      <button
        @click=${this.skipTuningPreset}
        data-action="skip-tuning-comparison"
        title=${SKIP_TUNING_COMPARISON.title}
      >
        Skip-Tuning comparison
      </button>
    </div>`;
  }

  /** The option's control on this world, showing the state's value in the option's form. */
  private control(option: ImageOption) {
    const spec = optionOn(option, this.image);
    const held = heldValue(this.state, 0, option) ?? stateDefault(option, this.image);
    const value = option.stored ? (option.stored.fromState(held) as OptionValue) : held;
    return optionControl({
      spec,
      value,
      name: spec.label,
      set: (v) =>
        this.store.update((d) => setImageValue(d, option, option.stored ? option.stored.toState(v) : v, this.image)),
      valueText: (v) => option.controlText?.(v, this.image) ?? String(v),
    });
  }

  /** "naive 2×", "Upsample Guidance 2×" and "bilinear-upscaled" panels from panel 1's sampler, at the current size
   *  if it is above the native one, else at 2×. */
  private comparisonPreset(): void {
    this.store.update((d) => {
      if ((d.size ?? this.image.size) <= this.image.size) d.size = 2 * this.image.size;
      const { world: _own, upscale: _mode, ...first } = d.panels[0];
      d.panels = COMPARISON.map((upscale) => (upscale === 'guided' ? { ...first } : { ...first, upscale }));
    });
  }

  /** One sampler at a few steps without and with Skip-Tuning, and a many-step panel as the target; a budget shared
   *  by every panel would hide the difference in steps, so equal-NFE mode goes off. */
  private skipTuningPreset(): void {
    this.store.update((d) => {
      d.equalNfe = false;
      d.panels = comparisonPanels(SKIP_TUNING_COMPARISON);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'image-controls': ImageControls;
  }
}
