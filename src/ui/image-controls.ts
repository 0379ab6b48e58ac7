/**
 * The settings of an image world: the class (one of the
 * world's classes, "mixed" across the grid, or unconditional: the null class), the classifier-free guidance scale
 * s in D_∅ + s·(D_c − D_∅), the resolution (multiples of the native side), and above the native side Upsample
 * Guidance's weight w and guided fraction η (Hwang et al. 2024). A preset puts naive, guided and bilinear-upscaled
 * panels side by side on the same noise.
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { IMAGE_DEFAULTS, WRAPPER_OPTIONS, type ImageLabel, type SandboxState, type UpscaleMode } from '../state/params';
import type { NumberOption } from '../sampling/option-spec';
import type { ImageWorldInfo } from '../worlds/types';
import { storeContext } from './contexts';
import type { StateStore } from './state-store';
import { controlGrid, controls, focusRing } from './styles';

type ImageField = 'cfg' | 'ugWeight' | 'ugEta';

const [CFG, ...UPSAMPLE] = WRAPPER_OPTIONS;

/** The Upsample Guidance comparison, in the order of Hwang et al. 2024's figures. */
const COMPARISON: readonly UpscaleMode[] = ['naive', 'guided', 'bilinear'];

@customElement('image-controls')
export class ImageControls extends LitElement {
  static override styles = [focusRing, controls, controlGrid];

  @consume({ context: storeContext }) private store!: StateStore;
  @property({ attribute: false }) state!: SandboxState;
  @property({ attribute: false }) image!: ImageWorldInfo;

  override render() {
    const s = this.state;
    const label = s.label ?? IMAGE_DEFAULTS.label;
    const size = s.size ?? this.image.size;
    const sizes = Array.from({ length: this.image.maxSize / this.image.size }, (_, k) => (k + 1) * this.image.size);
    const above = size > this.image.size;
    return html`<div class="grid">
      <label
        >Class
        <select aria-label="Class" @change=${(e: Event) => this.setLabel((e.target as HTMLSelectElement).value)}>
          <option value="mixed" ?selected=${label === 'mixed'}>mixed (all classes)</option>
          <option value="unconditional" ?selected=${label === 'unconditional'}>unconditional</option>
          ${this.image.classes.map((name, i) => html`<option value=${i} ?selected=${label === i}>${name}</option>`)}
        </select>
      </label>
      ${this.slider(CFG)}
      <label
        title="The network is fully convolutional: it runs at any multiple of its native ${this.image.size}×${this.image.size}"
        >Resolution
        <select
          aria-label="Resolution"
          @change=${(e: Event) => this.setSize(Number((e.target as HTMLSelectElement).value))}
        >
          ${sizes.map((n) => html`<option value=${n} ?selected=${n === size}>${n}×${n}${n === this.image.size ? ' (native)' : ''}</option>`)}
        </select>
      </label>
      ${above ? UPSAMPLE.map((spec) => this.slider(spec)) : nothing}
      <button
        @click=${this.comparisonPreset}
        ?disabled=${2 * this.image.size > this.image.maxSize}
        data-action="ug-comparison"
        title="Naive, Upsample Guidance and bilinear-upscaled ${this.image.size}×${this.image.size} panels side by side, on the same noise"
      >
        Upsample Guidance comparison
      </button>
    </div>`;
  }

  /** A slider from the wrapper's declaration (../guidance/cfg-options.ts, ../guidance/upsample-options.ts). */
  private slider(spec: NumberOption) {
    const field = spec.key as ImageField;
    const value = this.state[field] ?? spec.default;
    return html`<label title=${spec.description}
      >${spec.label} ${value.toFixed(2)}
      <input
        type="range"
        min=${spec.min}
        max=${spec.max}
        step=${spec.step}
        .value=${String(value)}
        aria-label=${spec.label}
        @input=${(e: Event) => this.setField(field, Number((e.target as HTMLInputElement).value))}
      />
    </label>`;
  }

  /** Settings at their default are left out of the state (its canonical form, as the URL reads it back). */
  private setField(field: ImageField, value: number): void {
    this.store.update((d) => {
      if (value === IMAGE_DEFAULTS[field]) delete d[field];
      else d[field] = value;
    });
  }

  private setLabel(text: string): void {
    const label: ImageLabel = text === 'mixed' || text === 'unconditional' ? text : Number(text);
    this.store.update((d) => {
      if (label === IMAGE_DEFAULTS.label) delete d.label;
      else d.label = label;
    });
  }

  private setSize(size: number): void {
    this.store.update((d) => {
      if (size === this.image.size) delete d.size;
      else d.size = size;
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
}

declare global {
  interface HTMLElementTagNameMap {
    'image-controls': ImageControls;
  }
}
