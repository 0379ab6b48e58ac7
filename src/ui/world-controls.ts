/**
 * The settings every panel shares, so the panels compare samplers on one problem: the world (the 2D presets and their
 * reflows, a mixture the user draws, or an image world), the seed with a "new seed" button, the sample count, the
 * equal-NFE budget, the trajectories toggle, and the σ range of the schedules; below them the image settings or the
 * reflow controls, and the progress of whatever a world needs first (weights to download, a reflow to make).
 */
import { consume } from '@lit/context';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import { DEFAULT_IMAGE_COUNT, defaultState, LIMITS, type SandboxState } from '../state/params';
import { reflowLevel } from '../state/reflow-family';
import { storyPanels } from '../state/stories';
import { dropImageValues } from '../state/image-values';
import { SHARED_IMAGE_OPTIONS } from '../guidance/wrapper-options';
import { CUSTOM_WORLD } from '../state/validate-state';
import { sandboxContext, storeContext, worldPreparerContext } from './contexts';
import { parseBounded } from './form';
import { RANDOM_SEED, randomSeed } from '../api/options';
import type { WorldPreparer } from './runs/world-preparer';
import type { StateStore } from './state-store';
import { controlGrid, controls, focusRing } from './styles';
import './image-controls';
import './progress-bar';
import type { ReflowControls } from './reflow-controls';
import './reflow-controls';

type NumericField = 'seed' | 'count' | 'nfe' | 'sigmaMax' | 'sigmaMin' | 'rho';
const INTEGER_FIELDS: ReadonlySet<NumericField> = new Set(['seed', 'count', 'nfe']);

@customElement('world-controls')
export class WorldControls extends LitElement {
  static override styles = [
    focusRing,
    controls,
    controlGrid,
    css`
      :host {
        display: block;
      }
      details {
        margin-top: 0.4rem;
      }
      summary {
        cursor: pointer;
        font-size: 0.85rem;
      }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: storeContext }) private store!: StateStore;
  @consume({ context: worldPreparerContext }) private preparer!: WorldPreparer;
  @property({ attribute: false }) state!: SandboxState;
  @state() private errors: Partial<Record<NumericField, string>> = {};
  @query('reflow-controls') private reflowControls?: ReflowControls;

  override connectedCallback(): void {
    super.connectedCallback();
    this.preparer.addEventListener('change', this.onPreparerChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.preparer.removeEventListener('change', this.onPreparerChange);
  }

  /** Stops a reflow the Reflow button started (Esc, Stop all); true if one was running. */
  cancel(): boolean {
    return this.reflowControls?.cancel() ?? false;
  }

  override render() {
    const s = this.state;
    const worlds = this.sandbox.worlds;
    const flat = worlds.filter((w) => w.kind === '2d');
    const image = worlds.find((w) => w.id === s.world)?.image;
    // A reflow level a link named but the page has not made yet is shown as it is being made.
    const pending = s.world !== CUSTOM_WORLD && !worlds.some((w) => w.id === s.world) ? [s.world] : [];
    return html`
      <div class="grid">
        <label
          >World
          <select aria-label="World" @change=${(e: Event) => this.setWorld((e.target as HTMLSelectElement).value)}>
            <optgroup label="2D targets (exact density)">
              ${flat.map((w) => html`<option value=${w.id} ?selected=${w.id === s.world} title=${w.description}>${w.label}</option>`)}
              ${pending.map((id) => html`<option value=${id} selected>${id} (being made)</option>`)}
              <option value=${CUSTOM_WORLD} ?selected=${s.world === CUSTOM_WORLD}>Draw your own…</option>
            </optgroup>
            <optgroup label="Images (trained network)">
              ${worlds.filter((w) => w.kind === 'image').map((w) => html`<option value=${w.id} ?selected=${w.id === s.world} title=${w.description}>${w.label}</option>`)}
            </optgroup>
          </select>
        </label>
        ${this.numberField('seed', 'Seed', s.seed)}
        <button @click=${() => this.store.update((d) => (d.seed = Math.floor(Math.random() * (LIMITS.seed[1] + 1))))}>
          New seed
        </button>
        ${this.numberField('count', 'Samples', s.count)}
        <label
          ><input
            type="checkbox"
            .checked=${s.equalNfe}
            @change=${(e: Event) => this.store.update((d) => (d.equalNfe = (e.target as HTMLInputElement).checked))}
          />Equal NFE</label
        >
        ${s.equalNfe ? this.numberField('nfe', 'NFE budget', s.nfe) : nothing}
        ${
          image
            ? nothing
            : html`<label
                ><input
                  type="checkbox"
                  .checked=${s.showTrajectories}
                  @change=${(e: Event) => this.store.update((d) => (d.showTrajectories = (e.target as HTMLInputElement).checked))}
                />Trajectories</label
              >`
        }
      </div>
      ${image ? html`<p class="hint" data-world-description>${this.sandbox.worlds.find((w) => w.id === s.world)?.description}</p>` : nothing}
      ${image ? html`<image-controls .state=${s} .image=${image}></image-controls>` : nothing}
      <reflow-controls .state=${s}></reflow-controls>
      ${this.preparer.current.map((p) => html`<div data-preparing><span class="hint">${p.label}</span><progress-bar .fraction=${p.fraction} label=${p.label}></progress-bar></div>`)}
      ${
        s.world === CUSTOM_WORLD
          ? html`<p class="hint">
              Drawing: click a view to add a component, drag it to move, wheel over it for its width, shift-drag for its
              weight, select it and press Delete to remove it (keyboard: focus a view, N adds, [ ] select, arrows move,
              PageUp/PageDown width, with Shift weight).
            </p>`
          : nothing
      }
      <details>
        <summary>σ range of the schedules</summary>
        <div class="grid">
          ${this.numberField('sigmaMax', 'σ max', s.sigmaMax)} ${this.numberField('sigmaMin', 'σ min', s.sigmaMin)}
          ${this.numberField('rho', 'ρ (Karras)', s.rho)}
        </div>
      </details>
    `;
  }

  /** The count of an image world is bounded by what a panel can afford per step. */
  private limits(field: NumericField): readonly [number, number] {
    return field === 'count' && this.isImage(this.state.world) ? LIMITS.imageCount : LIMITS[field];
  }

  private isImage(world: string): boolean {
    return this.sandbox.worlds.find((w) => w.id === world)?.kind === 'image';
  }

  private numberField(field: NumericField, label: string, value: number) {
    return html`<label
      >${label}
      <input
        type="number"
        min=${this.limits(field)[0]}
        max=${this.limits(field)[1]}
        step=${INTEGER_FIELDS.has(field) ? '1' : 'any'}
        .value=${String(value)}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        aria-describedby=${this.errors[field] ? `${field}-error` : nothing}
        @change=${(e: Event) => this.setNumber(field, e.target as HTMLInputElement)}
      />
      ${this.errors[field] ? html`<span class="error" id="${field}-error" role="alert" data-field=${field}>${this.errors[field]}</span>` : nothing}
    </label>`;
  }

  /** A rejected value is put back to the one in force, and the reason shows beside the field. */
  private setNumber(field: NumericField, input: HTMLInputElement): void {
    // A1111's convention: seed −1 draws a fresh seed, which the box then shows (and the URL and PNGs carry).
    if (field === 'seed' && input.value.trim() === String(RANDOM_SEED)) {
      const { seed: _previous, ...rest } = this.errors;
      this.errors = rest;
      this.store.update((d) => (d.seed = randomSeed()));
      return;
    }
    const parsed = parseBounded(input.value, field, this.limits(field), INTEGER_FIELDS.has(field));
    const { [field]: _previous, ...others } = this.errors;
    const reject = (error: string) => {
      this.errors = { ...others, [field]: error };
      input.value = String(this.state[field]);
    };
    if ('error' in parsed) return reject(parsed.error);
    if (field === 'sigmaMin' && parsed.value >= this.state.sigmaMax)
      return reject(`sigmaMin: must be below σ max (${this.state.sigmaMax}), got ${parsed.value}`);
    if (field === 'sigmaMax' && parsed.value <= this.state.sigmaMin)
      return reject(`sigmaMax: must be above σ min (${this.state.sigmaMin}), got ${parsed.value}`);
    this.errors = others;
    this.store.update((d) => (d[field] = parsed.value));
  }

  /**
   * "Draw your own" starts from a copy of the current preset, so there is something to edit straight away. Moving
   * between 2D and image worlds takes that kind's default count (2048 particles cost what 16 images cost) and drops
   * the image settings, and that kind's panel set; panels keep their own world only within the new world's reflow
   * family.
   */
  private setWorld(world: string): void {
    const before = this.state.world;
    const current = before === CUSTOM_WORLD ? this.state.custom : this.sandbox.worldSpec(before);
    const base = world === CUSTOM_WORLD ? undefined : reflowLevel(world).base;
    this.store.update((d) => {
      d.world = world;
      if (world === CUSTOM_WORLD) d.custom ??= current;
      const image = this.isImage(world);
      if (image !== this.isImage(before)) {
        d.count = image ? DEFAULT_IMAGE_COUNT : defaultState().count;
        // A sampler set that shows something on one kind may show noise on the other (the η-SDE at 10 steps on an
        // image model): each kind opens with its own set, the one its caption describes.
        d.panels = storyPanels(image ? 'image' : '2d');
      }
      // A drawing left behind stays out of the state (and the URL); "Draw your own" starts from the preset again.
      if (world !== CUSTOM_WORLD) delete d.custom;
      if (!image) dropImageValues(d, SHARED_IMAGE_OPTIONS);
      for (const p of d.panels)
        if (p.world !== undefined && (p.world === world || reflowLevel(p.world).base !== base)) delete p.world;
    });
  }

  private readonly onPreparerChange = () => this.requestUpdate();
}

declare global {
  interface HTMLElementTagNameMap {
    'world-controls': WorldControls;
  }
}
