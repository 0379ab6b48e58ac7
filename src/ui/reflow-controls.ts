/**
 * Live ReFlow for a 2D world (Liu, Gong & Liu 2023, Alg. 1): a button that reflows the shared
 * world (pairs from its flow, a kernel-regression fit; src/api/reflow.ts), adds the new world to the picker and
 * switches to it, and the straightness S = E ∫‖(x₁ − z) − v(z_t, t)‖² dt before and after (0 is straight). The "one
 * step" preset puts 1-RF and 2-RF side by side at 1, 2 and 4 steps of the reflow sampler.
 */
import { consume } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import type { SandboxState } from '../state/params';
import { liveReflowId, MAX_REFLOW_LEVEL, reflowFamily, reflowLabel, reflowLevel } from '../state/reflow-family';
import { CUSTOM_WORLD } from '../state/validate-state';
import { sandboxContext, storeContext, worldPreparerContext } from './contexts';
import type { WorldPreparer } from './runs/world-preparer';
import type { StateStore } from './state-store';
import { controlGrid, controls, focusRing } from './styles';

/** The one-step comparison: 1-RF against 2-RF at these steps. */
const ONE_STEP_STEPS = [1, 2, 4] as const;

@customElement('reflow-controls')
export class ReflowControls extends LitElement {
  static override styles = [focusRing, controls, controlGrid];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: storeContext }) private store!: StateStore;
  @consume({ context: worldPreparerContext }) private preparer!: WorldPreparer;
  @property({ attribute: false }) state!: SandboxState;
  @state() private running = false;
  @state() private error = '';
  private stopping?: AbortController;

  override connectedCallback(): void {
    super.connectedCallback();
    this.preparer.addEventListener('change', this.onPreparerChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.preparer.removeEventListener('change', this.onPreparerChange);
  }

  override render() {
    const world = this.state.world;
    const info = this.sandbox.worlds.find((w) => w.id === world);
    if (world === CUSTOM_WORLD) return nothing;
    if (info?.kind === 'image') return this.imageReflow();
    const { level } = reflowLevel(world);
    const atMax = level >= MAX_REFLOW_LEVEL;
    // A level made before (by this button or a link) is switched to, not offered as if it had to be made again.
    const made = this.sandbox.worlds.some((w) => w.id === liveReflowId(reflowLevel(world).base, level + 1));
    return html`<div class="grid">
        <button
          @click=${this.reflow}
          ?disabled=${this.running || atMax}
          data-action="reflow"
          title=${atMax ? `${MAX_REFLOW_LEVEL}-RF is the last level offered` : made ? `${level + 1}-RF is made: switch the world to it` : 'Pairs from this flow, a kernel-regression fit, and a new world (Liu et al. 2023)'}
        >
          ${made ? `Go to ${level + 1}-RF` : `Reflow → ${level + 1}-RF`}
        </button>
        <button
          @click=${this.oneStepPreset}
          ?disabled=${this.running}
          data-action="one-step"
          title="1-RF and 2-RF side by side at 1, 2 and 4 steps of the ReFlow sampler"
        >
          One-step preset
        </button>
        ${this.straightness()}
      </div>
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}`;
  }

  /** Image worlds are reflowed offline (tools/train/README.md): no button, only the one-step comparison
   *  when the family ships a 2-RF model. */
  private imageReflow() {
    const second = this.shippedSecond();
    if (!second) return nothing;
    return html`<div class="grid">
      <button
        @click=${this.oneStepPreset}
        data-action="one-step"
        title="1-RF and 2-RF side by side at 1, 2 and 4 steps of the ReFlow sampler"
      >
        One-step preset
      </button>
      <span class="hint"
        >${reflowLabel(second)} <code>${second}</code>: reflowed offline from this model's own noise–image pairs</span
      >
    </div>`;
  }

  private shippedSecond(): string | undefined {
    return reflowFamily(this.state.world, this.sandbox.worlds).find((id) => reflowLevel(id).level === 2);
  }

  /** The latest reflow of this family made on this page: the shared world's own, or else the family's 2-RF. */
  private straightness() {
    const { base } = reflowLevel(this.state.world);
    const result = this.preparer.reflows.get(this.state.world) ?? this.preparer.reflows.get(liveReflowId(base, 2));
    if (!result) return nothing;
    const parent = liveReflowId(base, reflowLevel(result.world).level - 1);
    return html`<span
      class="hint"
      data-straightness
      role="status"
      title="S = E∫‖(x₁ − z) − v(z_t, t)‖² dt over the flow's own trajectories; 0 is a straight flow (Liu et al. 2023)"
    >
      Straightness S: ${reflowLabel(parent)} ${result.straightnessBefore.toPrecision(3)} → ${reflowLabel(result.world)}
      ${result.straightnessAfter.toPrecision(3)} (${result.pairs.toLocaleString('en')} pairs, bandwidth
      ${result.bandwidth})</span
    >`;
  }

  /** Stops a reflow this button started (Esc, Stop all); true if one was running. */
  cancel(): boolean {
    if (!this.stopping) return false;
    this.stopping.abort();
    return true;
  }

  private async reflow(): Promise<void> {
    this.running = true;
    this.error = '';
    const stopping = new AbortController();
    this.stopping = stopping;
    try {
      const next = await this.preparer.reflowNext(this.state.world, stopping.signal);
      this.store.update((d) => {
        d.world = next;
        for (const p of d.panels) if (p.world === next) delete p.world;
      });
    } catch (error) {
      this.error = stopping.signal.aborted
        ? 'Reflow stopped; press the button again to start over.'
        : `Reflow failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.running = false;
      this.stopping = undefined;
    }
  }

  /** Pairs at each step count, 1-RF then 2-RF, so the two sit side by side however the panels wrap. */
  private oneStepPreset(): void {
    const { base } = reflowLevel(this.state.world);
    const image = this.sandbox.worlds.find((w) => w.id === base)?.kind === 'image';
    const second = (image ? this.shippedSecond() : undefined) ?? liveReflowId(base, 2);
    this.store.update((d) => {
      d.world = base;
      d.equalNfe = false;
      d.showTrajectories = true;
      d.panels = ONE_STEP_STEPS.flatMap((steps) => [
        { sampler: 'reflow', steps, schedule: 'linear_t' as const, eta: 0 },
        { sampler: 'reflow', steps, schedule: 'linear_t' as const, eta: 0, world: second },
      ]);
    });
  }

  private readonly onPreparerChange = () => this.requestUpdate();
}

declare global {
  interface HTMLElementTagNameMap {
    'reflow-controls': ReflowControls;
  }
}
