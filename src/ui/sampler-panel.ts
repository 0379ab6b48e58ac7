/**
 * One comparison panel (issue "page" §2–§4): its controls, its 2D view, a step scrubber and the readout. Its run
 * follows `runState` (the app commits the state once per animation frame), through a @lit/task that aborts the
 * previous run whenever the request changes, so no outdated run is ever queued behind a newer one.
 *
 * @fires panel-action - detail: 'duplicate' | 'remove' for this panel
 * @fires gpu-error - detail: the GpuError of a failed run
 */
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Metrics, SampleResult, Sandbox } from '../api/sandbox';
import { encodePng } from '../export/png';
import { toInfotext } from '../state/infotext';
import { LIMITS, type PanelState, type SandboxState } from '../state/params';
import type { GmmSpec } from '../worlds/gmm';
import { referenceSolvesContext, runCacheContext, sandboxContext, storeContext, viewPipelinesContext } from './contexts';
import { downloadBytes } from './download';
import type { ReferenceSolves } from './runs/reference-solves';
import type { RunCache } from './runs/run-cache';
import { panelRequest, panelSteps, recordsTrajectory, referenceRequest, requestKey, worldArg } from './runs/run-request';
import type { StateStore } from './state-store';
import { controls, focusRing } from './styles';
import { DEFAULT_CAMERA, type Camera } from './view/camera';
import { OffscreenView } from './view/offscreen';
import { DENOISED_COLOR, PATH_COLOR, SAMPLE_COLOR } from './view/palette';
import type { DotLayer, PathLayer, SceneContent } from './view/view-scene';
import type { ViewPipelines } from './view/view-pipelines';
import './density-view';
import './panel-controls';
import './progress-bar';
import './run-readout';
import './step-scrubber';

const DOT_RADIUS_PX = 1.6;
const EXPORT_SIZE = 512;

interface SampledRun {
  key: string;
  result: SampleResult;
}

/** What the view draws, kept while its inputs are unchanged, so re-rendering a panel whose run did not change
 *  hands its view the same arrays and the view does not redraw. */
interface ViewLayers {
  result?: SampleResult;
  step: number | null;
  showPaths: boolean;
  dots: DotLayer[];
  paths?: PathLayer;
}

@customElement('sampler-panel')
export class SamplerPanel extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host { display: flex; flex-direction: column; gap: 0.4rem; padding: 0.6rem; background: #141830; border: 1px solid #2b3160; border-radius: 8px; min-width: 0; }
      header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem; }
      h2 { font-size: 0.95rem; margin: 0; flex: 1 1 8rem; }
      header button { font-size: 0.75rem; padding: 0.15em 0.45em; }
      .status { min-height: 1.2em; }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: storeContext }) private store!: StateStore;
  @consume({ context: runCacheContext }) private cache!: RunCache;
  @consume({ context: referenceSolvesContext }) private references!: ReferenceSolves;
  @consume({ context: viewPipelinesContext, subscribe: true }) @state() private pipelines?: ViewPipelines;

  @property({ type: Number }) index = 0;
  /** The live state (controls follow every keystroke). */
  @property({ attribute: false }) state!: SandboxState;
  /** The state committed for this frame (runs follow it). */
  @property({ attribute: false }) runState!: SandboxState;
  @property({ attribute: false }) spec?: GmmSpec;
  @property({ attribute: false }) camera: Camera = DEFAULT_CAMERA;
  /** Bumped by Ctrl/Cmd+Enter: run again even if nothing changed. */
  @property({ type: Number }) rerun = 0;

  /** null follows the final samples; a number pins a step. */
  @state() private step: number | null = null;
  @state() private progress: number | null = null;
  @state() private exporting = false;
  private layers?: ViewLayers;

  private readonly sampleTask = new Task(this, {
    args: () => [requestKey(panelRequest(this.committed, this.index, this.sandbox.samplers)), this.rerun] as const,
    task: async ([key], { signal }): Promise<SampledRun> => {
      const request = panelRequest(this.committed, this.index, this.sandbox.samplers);
      let result = this.cache.get(key);
      if (!result) {
        this.progress = 0;
        try {
          result = await this.sandbox.sample({ ...request, signal, onProgress: (f) => (this.progress = f) });
        } finally {
          if (!signal.aborted) this.progress = null;
        }
        this.cache.set(key, result);
      }
      return { key, result };
    },
    onError: (error) => this.reportGpuError(error),
  });

  private readonly metricsTask = new Task(this, {
    args: () => [this.sampleTask.value, requestKey(referenceRequest(this.committed))] as const,
    task: async ([run], { signal }) => {
      if (!run) return undefined;
      const reference = await this.references.get(referenceRequest(this.committed), signal);
      return { key: run.key, metrics: this.evaluate(run.result, reference) };
    },
    onError: (error) => this.reportGpuError(error),
  });

  override render() {
    const label = `Panel ${this.index + 1}`;
    const panel = this.state.panels[this.index];
    const budgetSteps = this.state.equalNfe ? panelSteps(this.state, this.index, this.sandbox.samplers) : null;
    const run = this.sampleTask.value;
    const sampler = this.sandbox.samplers.find((s) => s.id === panel.sampler);
    // Metrics of an earlier run are never shown next to a newer run's samples.
    const metrics = this.metricsTask.value?.key === run?.key ? this.metricsTask.value?.metrics : undefined;
    const layers = this.viewLayers();
    const panels = this.state.panels.length;
    return html`
      <header>
        <h2>${label}: ${sampler?.label ?? panel.sampler}</h2>
        <button @click=${() => this.action('duplicate')} ?disabled=${panels >= LIMITS.panels[1]} aria-label="Duplicate ${label}">Duplicate</button>
        <button @click=${() => this.action('remove')} ?disabled=${panels <= LIMITS.panels[0]} aria-label="Remove ${label}">Remove</button>
        <button @click=${this.exportPng} ?disabled=${!run || this.exporting} aria-label="Export ${label} as PNG">PNG</button>
      </header>
      <panel-controls .panel=${panel} .samplers=${this.sandbox.samplers} .schedules=${this.sandbox.schedules} .budgetSteps=${budgetSteps}
        .panelLabel=${label} @panel-change=${(e: CustomEvent<Partial<PanelState>>) => this.store.update((s) => Object.assign(s.panels[this.index], e.detail))}></panel-controls>
      <density-view .spec=${this.spec} .camera=${this.camera} .dots=${layers.dots} .paths=${layers.paths}
        ?editable=${this.state.world === 'custom'} .description=${this.describe()}></density-view>
      <step-scrubber .sigmas=${run?.result.trajectory ? run.result.sigmas : []} .step=${this.shownStep()} .panelLabel=${label}
        .unavailable=${this.scrubberUnavailable()} @step-change=${(e: CustomEvent<number>) => this.pinStep(e.detail)}></step-scrubber>
      <run-readout .values=${{ nfe: run?.result.nfe, steps: run?.result.steps, gpuMs: run?.result.ms, rmse: metrics?.rmse, logLikelihood: metrics?.logLikelihood }}></run-readout>
      <div class="status" data-status=${this.status()}>
        <progress-bar .fraction=${this.progress} label="${label} run"></progress-bar>
        ${this.sampleTask.error && !isAbort(this.sampleTask.error) ? html`<div class="error" role="alert">${errorText(this.sampleTask.error)}</div>` : nothing}
      </div>
    `;
  }

  /** The committed state, or the live one for a panel added since the last frame (the committed state does not
   *  have it yet). */
  private get committed(): SandboxState {
    return this.index < this.runState.panels.length ? this.runState : this.state;
  }

  /** 'done' once this frame's request has its samples and its metrics; the e2e tests wait for it. */
  private status(): string {
    if (this.sampleTask.status === TaskStatus.ERROR || this.metricsTask.status === TaskStatus.ERROR) return 'error';
    if (this.sampleTask.status === TaskStatus.COMPLETE && this.metricsTask.status === TaskStatus.COMPLETE) return 'done';
    return 'running';
  }

  private evaluate(result: SampleResult, reference?: Float32Array): Metrics {
    return this.sandbox.evaluate({ world: worldArg(this.committed), samples: result.samples, reference, seed: this.committed.seed });
  }

  private shownStep(): number {
    const records = this.sampleTask.value?.result.trajectory?.length ?? 0;
    return this.step === null ? Math.max(0, records - 1) : Math.min(this.step, Math.max(0, records - 1));
  }

  private pinStep(step: number): void {
    const records = this.sampleTask.value?.result.trajectory?.length ?? 0;
    this.step = step >= records - 1 ? null : step;
  }

  private scrubberUnavailable(): string {
    const run = this.sampleTask.value;
    if (!run) return 'no run yet';
    if (run.result.trajectory) return '';
    return recordsTrajectory(this.committed.count, run.result.steps) ? 'no trajectory for this run' : `count × (steps + 1) is over ${(2 ** 21).toLocaleString('en')} points: no trajectory recorded`;
  }

  private viewLayers(): ViewLayers {
    const result = this.sampleTask.value?.result;
    const step = this.step === null ? null : this.shownStep();
    const showPaths = this.state.showTrajectories;
    const kept = this.layers;
    if (kept && kept.result === result && kept.step === step && kept.showPaths === showPaths) return kept;
    this.layers = { result, step, showPaths, dots: dotLayers(result, step), paths: showPaths && result?.trajectory ? { records: result.trajectory, color: PATH_COLOR } : undefined };
    return this.layers;
  }

  private describe(): string {
    const run = this.sampleTask.value?.result;
    const id = this.state.panels[this.index].sampler;
    const label = this.sandbox.samplers.find((s) => s.id === id)?.label ?? id;
    return run ? `${label}, ${run.steps} steps, ${run.nfe} evaluations: ${run.samples.length / 2} samples (orange) over the target's density (heatmap).` : `${label}: running.`;
  }

  private action(kind: 'duplicate' | 'remove'): void {
    this.dispatchEvent(new CustomEvent('panel-action', { detail: kind, bubbles: true, composed: true }));
  }

  private async exportPng(): Promise<void> {
    const run = this.sampleTask.value;
    if (!run || !this.pipelines || !this.spec) return;
    this.exporting = true;
    const view = new OffscreenView(this.pipelines, { width: EXPORT_SIZE, height: EXPORT_SIZE });
    try {
      const { dots, paths } = this.viewLayers();
      const content: SceneContent = { spec: this.spec, camera: this.camera, dots: dots.map((d) => ({ ...d, radiusPx: 2 })), paths };
      const image = await view.render(content);
      const state = this.committed;
      const panel = state.panels[this.index];
      downloadBytes(encodePng(image, state, toInfotext(state, this.index, { nfe: run.result.nfe })), `sandbox-${panel.sampler}-${run.result.steps}steps-seed${state.seed}.png`, 'image/png');
    } catch (error) {
      this.reportGpuError(error);
    } finally {
      view.destroy();
      this.exporting = false;
    }
  }

  private reportGpuError(error: unknown): void {
    if (error instanceof Error && error.name === 'GpuError') this.dispatchEvent(new CustomEvent('gpu-error', { detail: error, bubbles: true, composed: true }));
  }
}

/** The final samples, or at a pinned step x_t (orange) over D(x_t) (cyan). */
function dotLayers(result: SampleResult | undefined, step: number | null): DotLayer[] {
  if (!result) return [];
  const trajectory = result.trajectory;
  if (!trajectory || step === null || step >= trajectory.length - 1) return [{ positions: result.samples, color: SAMPLE_COLOR, radiusPx: DOT_RADIUS_PX }];
  return [
    { positions: result.denoised![step], color: DENOISED_COLOR, radiusPx: DOT_RADIUS_PX },
    { positions: trajectory[step], color: SAMPLE_COLOR, radiusPx: DOT_RADIUS_PX },
  ];
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

declare global {
  interface HTMLElementTagNameMap {
    'sampler-panel': SamplerPanel;
  }
}
