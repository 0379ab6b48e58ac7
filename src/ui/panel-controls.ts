/**
 * One panel's settings: sampler (grouped: single-step ODE, multistep ODE, stochastic, calibrated or learned; each
 * entry's citation as its tooltip), steps (or the steps the equal-NFE budget gives), schedule, and
 * the options the panel's sampler and schedule declare (η, σ_var, AMED's base and AFS, …; vp's β_d, beta's α and β,
 * GITS's search settings: a slider, a checkbox or a choice per declaration). Lists come from the sandbox's metadata,
 * never from a list written here. Where they apply: the panel's own member of a reflow family (1-RF, 2-RF, …), for
 * an image above its native size how the panel gets there (Upsample Guidance, naive, or bilinear), and on an image
 * world the image options each panel holds (../guidance/wrappers.ts: Skip-Tuning's ρ_bottom and ρ_top).
 *
 * @fires panel-change - detail: Partial<PanelState> to apply to this panel
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SamplerMeta } from '../api/sandbox';
import type { OptionSpec, OptionValue } from '../sampling/option-spec';
import { actingOptions } from '../guidance/wrapper-options';
import { optionOn, stateDefault, type ImageOption, type PanelImage } from '../worlds/image-option';
import { optionControl } from './option-control';
import { SAMPLER_GROUPS, type SamplerGroup } from '../sampling/samplers';
import { UPSCALE_LABELS } from '../state/infotext';
import { LIMITS, PANEL_DEFAULTS, UPSCALE_MODES, type PanelState, type UpscaleMode } from '../state/params';
import { POSITIONAL_OPTION } from '../state/panel-options';
import { reflowLabel } from '../state/reflow-family';
import { controlGrid, controls, focusRing } from './styles';
import { parseBounded } from './form';

/** The picker's group headings. */
const GROUP_LABELS: Record<SamplerGroup, string> = {
  'single-step ODE': 'Single-step ODE',
  'multistep ODE': 'Multistep ODE',
  stochastic: 'Stochastic',
  'calibrated or learned': 'Calibrated or learned',
};

/** The slider covers the few-step regime the sandbox is about; the number box takes the full range. */
const STEP_SLIDER_MAX = 100;

@customElement('panel-controls')
export class PanelControls extends LitElement {
  static override styles = [focusRing, controls, controlGrid];

  @property({ attribute: false }) panel!: PanelState;
  @property({ attribute: false }) samplers: readonly SamplerMeta[] = [];
  /** Each schedule with its declared parameters (vp's β_d, β_min, ε_s; beta's α, β; GITS's search settings). */
  @property({ attribute: false }) schedules: ReadonlyArray<{
    id: string;
    label: string;
    citation?: string;
    options?: readonly OptionSpec[];
  }> = [];
  /** Steps follow from the shared NFE budget (equal-NFE mode): shown, not editable. */
  @property({ type: Number }) budgetSteps: number | null = null;
  @property() panelLabel = 'Panel';
  /** The shared world and its reflow family (a choice appears when the family has more than one member). */
  @property() sharedWorld = '';
  @property({ attribute: false }) family: readonly string[] = [];
  /** The image's native side when the shared size is above it (then the upscale choice appears), else 0. */
  @property({ type: Number }) upscaleFrom = 0;
  /** On an image world: what decides which of its modules act on this panel; undefined on a 2D world. */
  @property({ attribute: false }) image?: PanelImage;
  @state() private error = '';

  override render() {
    const sampler = this.samplers.find((s) => s.id === this.panel.sampler);
    const schedule = this.schedules.find((s) => s.id === this.panel.schedule);
    const id = (name: string) => `${this.panelLabel.replace(/\s+/g, '-').toLowerCase()}-${name}`;
    const steps = this.budgetSteps ?? this.panel.steps;
    return html`
      <div class="grid">
        <label
          >Sampler
          <select
            aria-label="${this.panelLabel} sampler"
            title=${sampler?.citation ?? ''}
            @change=${(e: Event) => this.emit({ sampler: (e.target as HTMLSelectElement).value })}
          >
            ${SAMPLER_GROUPS.map((group) => {
              const members = this.samplers.filter((s) => s.group === group);
              return members.length === 0
                ? nothing
                : html`<optgroup label=${GROUP_LABELS[group]}>
                    ${members.map(
                      (s) =>
                        html`<option value=${s.id} title=${s.citation} ?selected=${s.id === this.panel.sampler}>
                          ${s.label}
                        </option>`,
                    )}
                  </optgroup>`;
            })}
          </select>
        </label>
        <label
          >Steps
          <input
            type="range"
            min="1"
            max=${STEP_SLIDER_MAX}
            .value=${String(Math.min(steps, STEP_SLIDER_MAX))}
            ?disabled=${this.budgetSteps !== null}
            aria-label="${this.panelLabel} steps (slider)"
            @input=${(e: Event) => this.setSteps((e.target as HTMLInputElement).value)}
          />
          <input
            type="number"
            id=${id('steps')}
            min=${LIMITS.steps[0]}
            max=${LIMITS.steps[1]}
            .value=${String(steps)}
            ?disabled=${this.budgetSteps !== null}
            aria-label="${this.panelLabel} steps"
            @change=${(e: Event) => this.setSteps((e.target as HTMLInputElement).value)}
          />
        </label>
        <label
          >Schedule
          <select
            aria-label="${this.panelLabel} schedule"
            title=${schedule?.citation ?? ''}
            @change=${(e: Event) => this.emit({ schedule: (e.target as HTMLSelectElement).value as PanelState['schedule'] })}
          >
            ${this.schedules.map((s) => html`<option value=${s.id} ?selected=${s.id === this.panel.schedule}>${s.label}</option>`)}
          </select>
        </label>
        ${[...(sampler?.options ?? []), ...(schedule?.options ?? [])].map((spec) =>
          optionControl({
            spec,
            value: this.panel[spec.key] ?? spec.default,
            name: `${this.panelLabel} ${spec.label}`,
            set: (v) => this.setOption(spec, v),
          }),
        )}
        ${this.options()} ${this.imageOptions()}
      </div>
      ${this.budgetSteps !== null ? html`<div class="hint">${steps} steps fit the shared NFE budget.</div>` : nothing}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
    `;
  }

  private options() {
    const p = this.panel;
    const world = p.world ?? this.sharedWorld;
    const select = (name: string, value: string, choices: ReadonlyArray<[string, string]>, set: (v: string) => void) =>
      html`<label
        >${name}
        <select
          aria-label="${this.panelLabel} ${name.toLowerCase()}"
          @change=${(e: Event) => set((e.target as HTMLSelectElement).value)}
        >
          ${choices.map(([v, label]) => html`<option value=${v} ?selected=${v === value}>${label}</option>`)}
        </select>
      </label>`;
    return html`
      ${
        this.family.length > 1
          ? select(
              'Flow',
              world,
              this.family.map((id) => [id, reflowLabel(id)]),
              (v) => this.emit({ world: v === this.sharedWorld ? undefined : v }),
            )
          : nothing
      }
      ${
        this.upscaleFrom > 0
          ? select(
              'Upscale',
              p.upscale ?? PANEL_DEFAULTS.upscale,
              UPSCALE_MODES.map((m) => [m, m === 'bilinear' ? `bilinear from ${this.upscaleFrom}` : UPSCALE_LABELS[m]]),
              (v) => this.emit({ upscale: v as UpscaleMode }),
            )
          : nothing
      }
    `;
  }

  /** The image options this panel holds, of the modules that act on it. */
  private imageOptions() {
    const here = this.image;
    if (!here) return nothing;
    return actingOptions(here, 'panel').map((option) => {
      const spec = optionOn(option, here.image);
      const held = this.panel[spec.key] ?? stateDefault(option, here.image);
      return optionControl({
        spec,
        value: option.stored ? (option.stored.fromState(held) as OptionValue) : held,
        name: `${this.panelLabel} ${spec.label}`,
        set: (v) => this.setImageOption(option, v),
      });
    });
  }

  /** An image option at its default leaves the panel; otherwise the panel holds it in the state's form. */
  private setImageOption(option: ImageOption, value: OptionValue): void {
    const held = option.stored ? option.stored.toState(value) : value;
    this.emit({ [option.spec.key]: held === stateDefault(option, this.image!.image) ? undefined : held });
  }

  /** A value at its default leaves the panel (its canonical form); η is always held (the link format's fourth part). */
  private setOption(spec: OptionSpec, value: OptionValue): void {
    this.emit({ [spec.key]: value === spec.default && spec.key !== POSITIONAL_OPTION ? undefined : value });
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
