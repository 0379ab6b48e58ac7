/**
 * Scrubs a finished run step by step: at step i the view shows x_i (where the sampler is) and
 * D(x_i; σ_i) (where the denoiser says the data is). The last position shows the final samples.
 *
 * @fires step-change - detail: the step index, 0…steps
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { controls, focusRing } from './styles';

@customElement('step-scrubber')
export class StepScrubber extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: block;
      }
      label {
        display: flex;
        width: 100%;
      }
      input {
        flex: 1;
      }
      .legend {
        font-size: 0.75rem;
        color: #a4abd0;
      }
      .x {
        color: #ff8c26;
      }
      .d {
        color: #59d9ff;
      }
    `,
  ];

  /** σ_0 … σ_N of the run, or empty while no run is shown. */
  @property({ attribute: false }) sigmas: ArrayLike<number> = [];
  @property({ type: Number }) step = 0;
  /** Why scrubbing is off (the run recorded no trajectory), or '' when it is available. */
  @property() unavailable = '';
  @property() panelLabel = 'Panel';

  override render() {
    const last = Math.max(0, this.sigmas.length - 1);
    const step = Math.min(this.step, last);
    const final = step === last;
    const caption =
      this.unavailable ||
      (final
        ? `final samples (step ${last} of ${last})`
        : `step ${step} of ${last}, σ = ${Number(this.sigmas[step]).toPrecision(3)}`);
    return html`<label
        >Step
        <input
          type="range"
          min="0"
          max=${last}
          .value=${String(step)}
          ?disabled=${!!this.unavailable || last === 0}
          aria-label="${this.panelLabel} step to show"
          aria-valuetext=${caption}
          @input=${(e: Event) => this.dispatchEvent(new CustomEvent('step-change', { detail: Number((e.target as HTMLInputElement).value) }))}
        />
      </label>
      <div class="legend">
        ${caption}${final || this.unavailable ? '' : html` · <span class="x">● x_t</span> <span class="d">● D(x_t)</span>`}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'step-scrubber': StepScrubber;
  }
}
