/**
 * One comparison panel: its controls, its view, a step scrubber and the readout. Its run
 * follows `runState` (the app commits the state once per animation frame), through a @lit/task that aborts the
 * previous run whenever the request changes, so no outdated run is ever queued behind a newer one. A 2D world is
 * drawn as particles over its density; an image world as a grid of samples. Before the run,
 * the world is made ready (weights, reflow levels), GITS searches its grid and AMED is calibrated, each with its
 * progress shown; the search and the calibration export and import as JSON.
 *
 * @fires panel-action - detail: 'duplicate' | 'remove' for this panel
 * @fires grid-searched - detail: the SearchedGrid a run of a searched schedule (GITS) walked
 * @fires gpu-error - detail: the GpuError of a failed run
 * @fires notice - detail: a message for the page
 */
import { consume } from '@lit/context';
import { TaskStatus } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SampleResult, Sandbox } from '../api/sandbox';
import { LIMITS, type PanelState, type SandboxState } from '../state/params';
import { scheduleById } from '../sampling/schedules';
import { reflowFamily } from '../state/reflow-family';
import { panelImageOf } from '../state/image-values';
import { CUSTOM_WORLD } from '../state/validate-state';
import type { GmmSpec } from '../worlds/gmm';
import type { ImageWorldInfo } from '../worlds/types';
import {
  imageLaneContext,
  referenceSolvesContext,
  runCacheContext,
  sandboxContext,
  storeContext,
  viewPipelinesContext,
  worldPreparerContext,
} from './contexts';
import type { ImportedCalibration } from './calibration-kinds';
import { downloadBytes } from './download';
import type { ImageFrame } from './view/image-frame';
import { exportImagePng, exportViewPng } from './panel-export';
import type { ReferenceSolves } from './runs/reference-solves';
import type { RunCache } from './runs/run-cache';
import type { RunLane } from './runs/run-lane';
import { imageTitles, verdictSummary } from './runs/classifier-verdict';
import { PanelRun, type PanelStatus, type SampledRun } from './runs/panel-run';
import { panelColor } from './panel-colors';
import { panelTitle } from './panel-title';
import {
  metricsFor,
  metricsOf,
  panelImage,
  panelSteps,
  panelUpscale,
  recordsTrajectory,
  requestKey,
  type PanelRequest,
} from './runs/run-request';
import type { WorldPreparer } from './runs/world-preparer';
import type { StateStore } from './state-store';
import { controls, focusRing } from './styles';
import { DEFAULT_CAMERA, type Camera } from './view/camera';
import { imageFrames } from './view/image-frames';
import { DENOISED_COLOR, PATH_COLOR, SAMPLE_COLOR } from './view/palette';
import type { DotLayer, PathLayer } from './view/view-scene';
import type { ViewPipelines } from './view/view-pipelines';
import './amed-table';
import './gits-table';
import './density-view';
import './image-grid-view';
import './panel-controls';
import './progress-bar';
import './run-readout';
import { isStochasticPanel } from './runs/nfe-sweep';
import './step-scrubber';

const DOT_RADIUS_PX = 1.6;

/** What the view draws, kept while its inputs are unchanged, so re-rendering a panel whose run did not change
 *  hands its view the same arrays and the view does not redraw. */
interface ViewLayers {
  result?: SampleResult;
  step: number | null;
  showPaths: boolean;
  dots: DotLayer[];
  paths?: PathLayer;
}

/** The same for an image panel's pictures. */
interface ImageLayers {
  result?: SampleResult;
  step: number | null;
  upscale: number;
  frames: ImageFrame[];
}

@customElement('sampler-panel')
export class SamplerPanel extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.4rem;
        padding: 0.6rem;
        background: #141830;
        border: 1px solid #2b3160;
        /* The panel's colour, the same as its series in the charts. */
        border-top: 4px solid var(--panel-color, #2b3160);
        border-radius: 8px;
        min-width: 0;
      }
      header {
        display: flex;
        flex-wrap: nowrap;
        align-items: center;
        gap: 0.3rem;
        min-width: 0;
      }
      h2 {
        font-size: 0.9rem;
        margin: 0;
        flex: 1 1 0;
        min-width: 0;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .swatch {
        display: inline-block;
        width: 0.7em;
        height: 0.7em;
        border-radius: 2px;
        margin-right: 0.3em;
        background: var(--panel-color);
      }
      header button {
        font-size: 0.72rem;
        padding: 0.1em 0.3em;
        flex: none;
      }
      .status {
        min-height: 1.2em;
      }
      /* One line of fixed height: the view below must not move while the text changes (a drag in progress on a
         drawn world would land elsewhere). The whole text is the tooltip. */
      .state {
        font-size: 0.8rem;
        color: #c0c6e8;
        height: 1.3em;
        line-height: 1.3em;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .state[data-state='stale'],
      .state[data-state='stopped'] {
        color: #ffd27a;
      }
      .result {
        display: flex;
        flex-direction: column;
        gap: 0.4rem;
        min-width: 0;
      }
      .result.stale {
        opacity: 0.45;
      }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: storeContext }) private store!: StateStore;
  @consume({ context: runCacheContext }) private cache!: RunCache;
  @consume({ context: referenceSolvesContext }) private references!: ReferenceSolves;
  @consume({ context: worldPreparerContext }) private preparer!: WorldPreparer;
  @consume({ context: imageLaneContext }) private imageLane!: RunLane;
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
  @state() private exporting = false;
  private layers?: ViewLayers;
  private imageLayers?: ImageLayers;
  private titles?: { verdict: object; titles: string[] };

  private readonly run = new PanelRun(
    this,
    () => ({
      sandbox: this.sandbox,
      cache: this.cache,
      references: this.references,
      preparer: this.preparer,
      imageLane: this.imageLane,
      state: this.committed,
      index: this.index,
      rerun: this.rerun,
    }),
    (error) => this.reportGpuError(error),
  );

  override willUpdate(): void {
    this.style.setProperty('--panel-color', panelColor(this.index));
  }

  override render() {
    const label = `Panel ${this.index + 1}`;
    const panel = this.state.panels[this.index];
    const sampler = this.sandbox.samplers.find((s) => s.id === panel.sampler);
    const budgetSteps = this.state.equalNfe ? panelSteps(this.state, this.index, this.sandbox.samplers) : null;
    const run = this.shownRun;
    const title = panelTitle(this.state, this.index, this.sandbox.samplers, this.sandbox.worlds);
    const shownState = this.shownState();
    const metrics = this.run.shownMetrics();
    const image = panelImage(this.state, this.index, this.sandbox.worlds);
    const size = this.state.size ?? image?.size ?? 0;
    const panels = this.state.panels.length;
    // A run that reports AMED steps (which sampler made it is the sampler's business) shows them, current runs only.
    const current = run?.key === requestKey(this.run.request()) ? run : undefined;
    const amed = current?.result.amed;
    const verdict = this.run.shownVerdict();
    return html`
      <header>
        <h2 title="${label}: ${title.full}"><span class="swatch"></span>${this.index + 1} · ${title.short}</h2>
        ${
          shownState.state === 'running' || shownState.state === 'queued'
            ? html`<button
                class="stop"
                @click=${() => this.stop()}
                aria-label="Stop ${label}"
                title="Stop this run (Esc stops all)"
              >
                Stop
              </button>`
            : nothing
        }
        <button
          @click=${() => this.action('duplicate')}
          ?disabled=${panels >= LIMITS.panels[1]}
          aria-label="Duplicate ${label}"
          title="Duplicate"
        >
          Copy
        </button>
        <button
          @click=${() => this.action('remove')}
          ?disabled=${panels <= LIMITS.panels[0]}
          aria-label="Remove ${label}"
          title="Remove"
        >
          ✕
        </button>
        <button
          @click=${this.exportPng}
          ?disabled=${!run || this.exporting || this.run.sample.status !== TaskStatus.COMPLETE}
          aria-label="Export ${label} as PNG"
          title=${image ? 'The sample grid at full resolution, with its settings inside' : 'This view at 512², with its settings inside'}
        >
          PNG
        </button>
      </header>
      <panel-controls
        .panel=${panel}
        .samplers=${this.sandbox.samplers}
        .schedules=${this.sandbox.schedules}
        .budgetSteps=${budgetSteps}
        .panelLabel=${label}
        .sharedWorld=${this.state.world}
        .family=${this.family()}
        .upscaleFrom=${image && size > image.size ? image.size : 0}
        .image=${image ? panelImageOf(this.state, this.index, image) : undefined}
        @panel-change=${(e: CustomEvent<Partial<PanelState>>) => this.store.update((s) => applyPanelChange(s.panels[this.index], e.detail))}
      ></panel-controls>
      <div class="state" data-state=${shownState.state} role="status" title=${shownState.text}>${shownState.text}</div>
      <div
        class="result ${shownState.state === 'stale' || shownState.state === 'queued' || shownState.state === 'stopped' ? 'stale' : ''}"
        @calibration-imported=${(e: CustomEvent<ImportedCalibration>) => this.run.useImportedCalibration(e.detail)}
      >
        ${
          image
            ? html`<image-grid-view
                .frames=${this.shownImages(image).frames}
                .description=${this.describe()}
                .titles=${this.imageTitles(verdict)}
              ></image-grid-view>`
            : html`<density-view
                .spec=${this.spec}
                .camera=${this.camera}
                .dots=${this.viewLayers().dots}
                .paths=${this.viewLayers().paths}
                ?editable=${this.state.world === CUSTOM_WORLD}
                .description=${this.describe()}
              ></density-view>`
        }
        <step-scrubber
          .sigmas=${run?.result.trajectory ? run.result.sigmas : []}
          .step=${this.shownStep()}
          .panelLabel=${label}
          .unavailable=${this.scrubberUnavailable()}
          @step-change=${(e: CustomEvent<number>) => this.pinStep(e.detail)}
        ></step-scrubber>
        ${
          amed
            ? html`<amed-table
                .calibration=${amed.calibration}
                .predicted=${amed.source === 'predictor' ? amed : undefined}
                .panelLabel=${label}
              ></amed-table>`
            : nothing
        }
        ${
          this.run.request().schedule === 'gits'
            ? html`<gits-table
                .info=${current?.result.gits}
                .pending=${gitsPending(shownState.state, this.run.phase)}
                .panelLabel=${label}
              ></gits-table>`
            : nothing
        }
        <run-readout
          .metrics=${run ? metricsOf(run.request.world, this.sandbox.worlds) : metricsFor(this.state, this.index, this.sandbox.worlds)}
          .verdict=${readoutVerdict(verdict)}
          .values=${{ nfe: run?.result.nfe, cost: run?.result.cost, steps: run?.result.steps, gpuMs: run?.result.ms, rmse: metrics?.rmse, logLikelihood: metrics?.logLikelihood, slicedW2: metrics?.slicedW2 }}
          ?stochastic=${sampler ? isStochasticPanel(sampler, panel) : false}
        ></run-readout>
      </div>
      <div class="status" data-status=${this.run.status()} data-submissions-after-stop=${this.run.submissionsAfterStop}>
        <progress-bar .fraction=${this.run.progress} label="${label} ${this.run.phase}"></progress-bar>
        ${this.run.sample.error && !isAbort(this.run.sample.error) ? html`<div class="error" role="alert">${errorText(this.run.sample.error)}</div>` : nothing}
      </div>
    `;
  }

  /** The latest run, if it is of the kind the panel now shows: after a switch between a 2D and an image world the
   *  previous run stays on show only until the first run of the new kind arrives, and it cannot be drawn. */
  private get shownRun(): SampledRun | undefined {
    const run = this.run.shownRun();
    const image = panelImage(this.state, this.index, this.sandbox.worlds) !== undefined;
    return run && (run.side !== undefined) === image ? run : undefined;
  }

  /** Stops this panel's run between two GPU submissions; true if one was running. */
  stop(): boolean {
    return this.run.stop();
  }

  /** What the panel is doing and whether what it shows is this request's result, in words. */
  private shownState(): { state: PanelStatus | 'stale'; text: string } {
    const status = this.run.status();
    const run = this.shownRun;
    const changed = run && this.run.stale() ? changedFields(run.request, this.run.request()) : undefined;
    const since = changed ? ` (changed since: ${changed})` : '';
    if (status === 'queued') {
      const shown = run ? `; showing the previous run${since}` : '';
      return { state: 'queued', text: `queued: waits for ${this.run.waitsFor()}${shown}` };
    }
    if (status === 'stopped')
      return {
        state: 'stopped',
        text: run
          ? `stopped: showing the last finished run${since}`
          : 'stopped before a result: change a setting or Re-run',
      };
    if (status === 'running') {
      const percent = this.run.progress === null ? '' : ` ${Math.round(this.run.progress * 100)} %`;
      return {
        state: 'running',
        text: `running (${this.run.phase})${percent}${run ? `; showing the previous run${since}` : ''}`,
      };
    }
    if (status === 'done' && changed) return { state: 'stale', text: `stale: showing an earlier run${since}` };
    return { state: status, text: status === 'error' ? 'failed' : 'done' };
  }

  /** The members of the shared world's reflow family this panel may switch between (made, or being made). */
  private family(): string[] {
    const s = this.state;
    if (s.world === CUSTOM_WORLD) return [];
    const named = [s.world, ...s.panels.flatMap((p) => (p.world ? [p.world] : []))];
    return reflowFamily(s.world, this.sandbox.worlds, named);
  }

  /** The committed state, or the live one for a panel added since the last frame (the committed state does not
   *  have it yet). */
  private get committed(): SandboxState {
    return this.index < this.runState.panels.length ? this.runState : this.state;
  }

  private shownStep(): number {
    const records = this.shownRun?.result.trajectory?.length ?? 0;
    return this.step === null ? Math.max(0, records - 1) : Math.min(this.step, Math.max(0, records - 1));
  }

  private pinStep(step: number): void {
    const records = this.shownRun?.result.trajectory?.length ?? 0;
    this.step = step >= records - 1 ? null : step;
  }

  private scrubberUnavailable(): string {
    const run = this.shownRun;
    if (!run) return 'no run yet';
    if (run.result.trajectory) return '';
    return recordsTrajectory(run.count, run.result.steps, run.result.samples.length / run.count)
      ? 'no trajectory for this run'
      : 'count × size × (steps + 1) is over 4 million values: no trajectory recorded';
  }

  private upscaleFactor(image: ImageWorldInfo): number {
    return panelUpscale(this.committed, this.index, image);
  }

  private shownImages(image: ImageWorldInfo): ImageLayers {
    const run = this.shownRun;
    const result = run?.result;
    const step = this.step === null ? null : this.shownStep();
    const upscale = this.upscaleFactor(image);
    const kept = this.imageLayers;
    if (kept && kept.result === result && kept.step === step && kept.upscale === upscale) return kept;
    const frames = run ? imageFrames(run.result, run.count, step, upscale, image.channels) : [];
    this.imageLayers = { result, step, upscale, frames };
    return this.imageLayers;
  }

  /** One tooltip per image once the classifier has judged them (the same array while the verdict is unchanged). */
  private imageTitles(verdict: ReturnType<PanelRun['shownVerdict']>): string[] {
    if (!verdict || verdict === 'pending' || verdict instanceof Error) return NO_TITLES;
    if (this.titles?.verdict !== verdict) this.titles = { verdict, titles: imageTitles(verdict) };
    return this.titles.titles;
  }

  private viewLayers(): ViewLayers {
    const result = this.shownRun?.result;
    const step = this.step === null ? null : this.shownStep();
    const showPaths = this.state.showTrajectories;
    const kept = this.layers;
    if (kept && kept.result === result && kept.step === step && kept.showPaths === showPaths) return kept;
    this.layers = {
      result,
      step,
      showPaths,
      dots: dotLayers(result, step),
      paths: showPaths && result?.trajectory ? { records: result.trajectory, color: PATH_COLOR } : undefined,
    };
    return this.layers;
  }

  private describe(): string {
    const sampled = this.shownRun;
    const id = this.state.panels[this.index].sampler;
    const label = this.sandbox.samplers.find((s) => s.id === id)?.label ?? id;
    if (!sampled) return `${label}: running.`;
    const { result: run, count } = sampled;
    const image = panelImage(this.committed, this.index, this.sandbox.worlds);
    if (!image)
      return `${label}, ${run.steps} steps, ${run.nfe} evaluations: ${count} samples (orange) over the target's density (heatmap).`;
    const side = Math.round(Math.sqrt(run.samples.length / count / (image.channels ?? 1))) * this.upscaleFactor(image);
    return `${label}, ${run.steps} steps, ${run.nfe} evaluations: ${count} images of ${side}×${side} pixels.`;
  }

  private action(kind: 'duplicate' | 'remove'): void {
    this.dispatchEvent(new CustomEvent('panel-action', { detail: kind, bubbles: true, composed: true }));
  }

  private async exportPng(): Promise<void> {
    const run = this.shownRun;
    const state = this.committed;
    const image = panelImage(state, this.index, this.sandbox.worlds);
    if (!run || (!image && (!this.pipelines || !this.spec))) return;
    this.exporting = true;
    try {
      const { dots, paths } = this.viewLayers();
      const png = image
        ? exportImagePng(state, this.index, run.result, image, this.upscaleFactor(image))
        : await exportViewPng(
            this.pipelines!,
            { spec: this.spec!, camera: this.camera, dots, paths },
            state,
            this.index,
            run.result,
          );
      downloadBytes(png.bytes, png.name, 'image/png');
    } catch (error) {
      this.reportGpuError(error);
    } finally {
      this.exporting = false;
    }
  }

  private reportGpuError(error: unknown): void {
    if (error instanceof Error && error.name === 'GpuError')
      this.dispatchEvent(new CustomEvent('gpu-error', { detail: error, bubbles: true, composed: true }));
  }
}

/** Applies a control's change to a panel; an option set back to nothing (the shared world) is removed. */
function applyPanelChange(panel: PanelState, patch: Partial<PanelState>): void {
  Object.assign(panel, patch);
  for (const key of Object.keys(patch) as Array<keyof PanelState>) if (patch[key] === undefined) delete panel[key];
}

/** The final samples, or at a pinned step x_t (orange) over D(x_t) (cyan). */
function dotLayers(result: SampleResult | undefined, step: number | null): DotLayer[] {
  if (!result) return [];
  const trajectory = result.trajectory;
  if (!trajectory || step === null || step >= trajectory.length - 1)
    return [{ positions: result.samples, color: SAMPLE_COLOR, radiusPx: DOT_RADIUS_PX }];
  return [
    { positions: result.denoised![step], color: DENOISED_COLOR, radiusPx: DOT_RADIUS_PX },
    { positions: trajectory[step], color: SAMPLE_COLOR, radiusPx: DOT_RADIUS_PX },
  ];
}

const NO_TITLES: string[] = [];

/** What a GITS panel's table says while the run for its settings has not finished. */
function gitsPending(state: PanelStatus | 'stale', phase: string): string {
  if (state !== 'running' && state !== 'queued') return 'not searched for these settings';
  return phase === scheduleById('gits')?.preparing ? 'searching…' : 'waiting for the run…';
}

/** The request fields that differ between two runs, by name ("steps, sampler"). */
function changedFields(before: PanelRequest, after: PanelRequest): string {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof PanelRequest>;
  const names = [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return names.join(', ') || 'settings';
}

/** The readout's line for the classifier: its summary, a placeholder while it works, or why it has none. */
function readoutVerdict(verdict: ReturnType<PanelRun['shownVerdict']>): { text: string; detail: string } | undefined {
  if (verdict === undefined) return undefined;
  if (verdict === 'pending') return { text: '…', detail: 'The classifier judges the samples once they are drawn' };
  if (verdict instanceof Error) return { text: 'unavailable', detail: verdict.message };
  return verdictSummary(verdict);
}

const isAbort = (error: unknown) => error instanceof Error && error.name === 'AbortError';
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

declare global {
  interface HTMLElementTagNameMap {
    'sampler-panel': SamplerPanel;
  }
}
