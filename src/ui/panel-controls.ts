/**
 * One panel's settings (issue "page" §2): sampler, steps (or the steps the equal-NFE budget gives), schedule, and
 * η for stochastic samplers. Lists come from the sandbox's metadata, never from a list written here.
 *
 * @fires panel-change - detail: Partial<PanelState> to apply to this panel
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SamplerMeta } from '../api/sandbox';
import { LIMITS, type PanelState } from '../state/params';
import { controlGrid, controls, focusRing } from './styles';
import { parseBounded } from './form';

/** The slider covers the few-step regime the sandbox is about; the number box takes the full range. */
const STEP_SLIDER_MAX = 100;

@customElement('panel-controls')
export class PanelControls extends LitElement {
  static override styles = [focusRing, controls, controlGrid];

  @property({ attribute: false }) panel!: PanelState;
  @property({ attribute: false }) samplers: readonly SamplerMeta[] = [];
  @property({ attribute: false }) schedules: ReadonlyArray<{ id: string; label: string }> = [];
  /** Steps follow from the shared NFE budget (equal-NFE mode): shown, not editable. */
  @property({ type: Number }) budgetSteps: number | null = null;
  @property() panelLabel = 'Panel';
  @state() private error = '';

  override render() {
    const sampler = this.samplers.find((s) => s.id === this.panel.sampler);
    const id = (name: string) => `${this.panelLabel.replace(/\s+/g, '-').toLowerCase()}-${name}`;
    const steps = this.budgetSteps ?? this.panel.steps;
    return html`
      <div class="grid">
        <label>Sampler
          <select aria-label="${this.panelLabel} sampler" title=${sampler?.citation ?? ''} @change=${(e: Event) => this.emit({ sampler: (e.target as HTMLSelectElement).value })}>
            ${this.samplers.map((s) => html`<option value=${s.id} ?selected=${s.id === this.panel.sampler}>${s.label}</option>`)}
          </select>
        </label>
        <label>Steps
          <input type="range" min="1" max=${STEP_SLIDER_MAX} .value=${String(Math.min(steps, STEP_SLIDER_MAX))} ?disabled=${this.budgetSteps !== null}
            aria-label="${this.panelLabel} steps (slider)" @input=${(e: Event) => this.setSteps((e.target as HTMLInputElement).value)} />
          <input type="number" id=${id('steps')} min=${LIMITS.steps[0]} max=${LIMITS.steps[1]} .value=${String(steps)} ?disabled=${this.budgetSteps !== null}
            aria-label="${this.panelLabel} steps" @change=${(e: Event) => this.setSteps((e.target as HTMLInputElement).value)} />
        </label>
        <label>Schedule
          <select aria-label="${this.panelLabel} schedule" @change=${(e: Event) => this.emit({ schedule: (e.target as HTMLSelectElement).value as PanelState['schedule'] })}>
            ${this.schedules.map((s) => html`<option value=${s.id} ?selected=${s.id === this.panel.schedule}>${s.label}</option>`)}
          </select>
        </label>
        ${sampler?.stochastic
          ? html`<label>η ${this.panel.eta.toFixed(2)}
              <input type="range" min=${LIMITS.eta[0]} max=${LIMITS.eta[1]} step="0.05" .value=${String(this.panel.eta)}
                aria-label="${this.panelLabel} eta (noise level)" @input=${(e: Event) => this.emit({ eta: Number((e.target as HTMLInputElement).value) })} />
            </label>`
          : nothing}
      </div>
      ${this.budgetSteps !== null ? html`<div class="hint">${steps} steps fit the shared NFE budget.</div>` : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
    `;
  }

  private setSteps(text: string): void {
    const parsed = parseBounded(text, 'steps', LIMITS.steps, true);
    if ('error' in parsed) {
      this.error = parsed.error;
      return;
    }
    this.error = '';
    this.emit({ steps: parsed.value });
  }

  private emit(patch: Partial<PanelState>): void {
    this.dispatchEvent(new CustomEvent('panel-change', { detail: patch }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panel-controls': PanelControls;
  }
}
