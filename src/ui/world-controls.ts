/**
 * The settings every panel shares (issue "page" §1): the world (the 2D presets from the sandbox's metadata, or a
 * mixture the user draws), the seed with a "new seed" button, the sample count, the equal-NFE budget, the
 * trajectories toggle, and the σ range of the schedules.
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import { LIMITS, type SandboxState } from '../state/params';
import { CUSTOM_WORLD } from '../state/validate-state';
import { sandboxContext, storeContext } from './contexts';
import { parseBounded } from './form';
import type { StateStore } from './state-store';
import { controlGrid, controls, focusRing } from './styles';

type NumericField = 'seed' | 'count' | 'nfe' | 'sigmaMax' | 'sigmaMin' | 'rho';
const INTEGER_FIELDS: ReadonlySet<NumericField> = new Set(['seed', 'count', 'nfe']);

@customElement('world-controls')
export class WorldControls extends LitElement {
  static override styles = [
    focusRing,
    controls,
    controlGrid,
    css`
      :host { display: block; }
      details { margin-top: 0.4rem; }
      summary { cursor: pointer; font-size: 0.85rem; }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: storeContext }) private store!: StateStore;
  @property({ attribute: false }) state!: SandboxState;
  @state() private errors: Partial<Record<NumericField, string>> = {};

  override render() {
    const s = this.state;
    // Image worlds need an image-grid view, which this page does not have yet; only 2D worlds are offered.
    const worlds = this.sandbox.worlds.filter((w) => w.kind === '2d');
    return html`
      <div class="grid">
        <label>World
          <select aria-label="World" @change=${(e: Event) => this.setWorld((e.target as HTMLSelectElement).value)}>
            ${worlds.map((w) => html`<option value=${w.id} ?selected=${w.id === s.world} title=${w.description}>${w.label}</option>`)}
            <option value=${CUSTOM_WORLD} ?selected=${s.world === CUSTOM_WORLD}>Draw your own…</option>
          </select>
        </label>
        ${this.numberField('seed', 'Seed', s.seed)}
        <button @click=${() => this.store.update((d) => (d.seed = Math.floor(Math.random() * (LIMITS.seed[1] + 1))))}>New seed</button>
        ${this.numberField('count', 'Samples', s.count)}
        <label><input type="checkbox" .checked=${s.equalNfe} @change=${(e: Event) => this.store.update((d) => (d.equalNfe = (e.target as HTMLInputElement).checked))} />Equal NFE</label>
        ${s.equalNfe ? this.numberField('nfe', 'NFE budget', s.nfe) : nothing}
        <label><input type="checkbox" .checked=${s.showTrajectories} @change=${(e: Event) => this.store.update((d) => (d.showTrajectories = (e.target as HTMLInputElement).checked))} />Trajectories</label>
      </div>
      ${s.world === CUSTOM_WORLD
        ? html`<p class="hint">Drawing: click a view to add a component, drag it to move, wheel over it for its width, shift-drag for its weight, select it and press Delete to remove it (keyboard: focus a view, N adds, [ ] select, arrows move, PageUp/PageDown width, with Shift weight).</p>`
        : nothing}
      <details>
        <summary>σ range of the schedules</summary>
        <div class="grid">
          ${this.numberField('sigmaMax', 'σ max', s.sigmaMax)} ${this.numberField('sigmaMin', 'σ min', s.sigmaMin)} ${this.numberField('rho', 'ρ (Karras)', s.rho)}
        </div>
      </details>
      ${Object.values(this.errors).map((e) => html`<div class="error" role="alert">${e}</div>`)}
    `;
  }

  private numberField(field: NumericField, label: string, value: number) {
    return html`<label>${label}
      <input type="number" min=${LIMITS[field][0]} max=${LIMITS[field][1]} step=${INTEGER_FIELDS.has(field) ? '1' : 'any'} .value=${String(value)}
        aria-invalid=${this.errors[field] ? 'true' : 'false'} @change=${(e: Event) => this.setNumber(field, (e.target as HTMLInputElement).value)} />
    </label>`;
  }

  private setNumber(field: NumericField, text: string): void {
    const parsed = parseBounded(text, field, LIMITS[field], INTEGER_FIELDS.has(field));
    const { [field]: _previous, ...others } = this.errors;
    if ('error' in parsed) {
      this.errors = { ...others, [field]: parsed.error };
      return;
    }
    if (field === 'sigmaMin' && parsed.value >= this.state.sigmaMax) {
      this.errors = { ...others, sigmaMin: `sigmaMin: must be below σ max (${this.state.sigmaMax}), got ${parsed.value}` };
      return;
    }
    if (field === 'sigmaMax' && parsed.value <= this.state.sigmaMin) {
      this.errors = { ...others, sigmaMax: `sigmaMax: must be above σ min (${this.state.sigmaMin}), got ${parsed.value}` };
      return;
    }
    this.errors = others;
    this.store.update((d) => (d[field] = parsed.value));
  }

  /** "Draw your own" starts from a copy of the current preset, so there is something to edit straight away. */
  private setWorld(world: string): void {
    const current = this.state.world === CUSTOM_WORLD ? this.state.custom : this.sandbox.worldSpec(this.state.world);
    this.store.update((d) => {
      d.world = world;
      if (world === CUSTOM_WORLD) d.custom ??= current;
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'world-controls': WorldControls;
  }
}
