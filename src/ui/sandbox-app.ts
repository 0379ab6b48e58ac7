/**
 * The sandbox page: shared settings, 2–6 comparison panels, charts and the X/Y grid, over one typed
 * state. Changes are committed to the runs once per animation frame (`runState`), so a burst of input events costs
 * one run per panel, and each panel's task aborts whatever it was still running.
 */
import { provide } from '@lit/context';
import { css, html, LitElement } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import { decodePngState } from '../export/png';
import { ETA_SPEC } from '../state/panel-options';
import { LIMITS, type SandboxState } from '../state/params';
import { isReflowed, reflowLevel } from '../state/reflow-family';
import { storyCaption } from '../state/stories';
import { CUSTOM_WORLD } from '../state/validate-state';
import type { GmmSpec } from '../worlds/gmm';
import {
  imageLaneContext,
  referenceSolvesContext,
  runCacheContext,
  sandboxContext,
  storeContext,
  viewPipelinesContext,
  worldPreparerContext,
} from './contexts';
import type { ErrorChart } from './error-chart';
import type { Notice } from './notice-area';
import { nextFrame } from './next-frame';
import { PngRestore } from './png-restore';
import type { SearchedGrid } from './runs/panel-run';
import { ReferenceSolves } from './runs/reference-solves';
import { RunCache } from './runs/run-cache';
import { RunLane } from './runs/run-lane';
import { WorldPreparer } from './runs/world-preparer';
import { StateStore } from './state-store';
import { controls, focusRing } from './styles';
import { UrlSync } from './url-sync';
import { DEFAULT_CAMERA, type Camera } from './view/camera';
import { ViewPipelines } from './view/view-pipelines';
import type { WorldControls } from './world-controls';
import type { XyGrid } from './xy-grid';
import './error-chart';
import './help-panel';
import './notice-area';
import './sampler-panel';
import { REFERENCE_STEPS } from '../metrics/reference';
import { withSearchedGrid } from './sigma-chart';
import './world-controls';
import './xy-grid';

@customElement('sandbox-app')
export class SandboxApp extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.8rem;
        padding: 0.8rem 1rem 2rem;
        max-width: 1600px;
        margin: 0 auto;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.4rem 1rem;
      }
      h1 {
        font-size: 1.3rem;
        margin: 0;
      }
      .lede {
        flex-basis: 100%;
        margin: 0;
        color: #c0c6e8;
        font-size: 0.9rem;
        max-width: 70rem;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        margin-left: auto;
      }
      .panels {
        display: grid;
        /* At least two per row: on a narrow screen the panels shrink rather than stack into one long column. */
        grid-template-columns: repeat(auto-fit, minmax(min(270px, calc(50% - 0.35rem)), 1fr));
        gap: 0.7rem;
        align-items: start;
      }
      .caption {
        margin: -0.3rem 0 0;
        color: #dfe3ff;
        font-size: 0.9rem;
      }
      .caption::before {
        content: '▲ ';
        color: #7a8cff;
      }
      .help {
        max-width: 70rem;
      }
      .add {
        align-self: start;
        min-height: 8rem;
        border-style: dashed;
        background: transparent;
      }
      section {
        background: #11142a;
        border: 1px solid #232850;
        border-radius: 8px;
        padding: 0.6rem 0.8rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.4rem;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(340px, 1fr));
        gap: 0.8rem;
      }
      footer {
        color: #a4abd0;
        font-size: 0.8rem;
      }
      kbd {
        background: #232850;
        border-radius: 3px;
        padding: 0 0.3em;
      }
    `,
  ];

  @provide({ context: sandboxContext }) @property({ attribute: false }) sandbox!: Sandbox;
  @provide({ context: storeContext }) @property({ attribute: false }) store!: StateStore;
  /** Provided to the views; replaced after a device loss. */
  @provide({ context: viewPipelinesContext }) @state() pipelines?: ViewPipelines;
  @provide({ context: referenceSolvesContext }) references!: ReferenceSolves;
  @provide({ context: runCacheContext }) readonly cache = new RunCache();
  @provide({ context: worldPreparerContext }) preparer!: WorldPreparer;
  @provide({ context: imageLaneContext }) readonly imageLane = new RunLane();

  /** Notices to show first (e.g. what the URL's sanitisation ignored). */
  @property({ attribute: false }) initialNotices: string[] = [];
  /** The state the runs follow, committed once per animation frame. */
  @state() private runState!: SandboxState;
  @state() private camera: Camera = DEFAULT_CAMERA;
  @state() private notices: Notice[] = [];
  @state() private rerun = 0;
  @state() private helpOpen = false;
  /** Grids the panels' searched schedules (GITS) chose, for the σ chart. */
  @state() private searchedGrids: ReadonlyMap<string, Float64Array> = new Map();
  @query('error-chart') private errorChart?: ErrorChart;
  @query('xy-grid') private xyGrid?: XyGrid;
  @query('world-controls') private worldControls?: WorldControls;
  @query('input[type=file]') private fileInput!: HTMLInputElement;

  /** Cancels the pending commit of the state to the runs (one per frame). */
  private cancelFrame?: () => void;
  private nextNoticeId = 1;
  private urlSync?: UrlSync;
  private readonly pngRestore = new PngRestore(
    this,
    (bytes, name) => this.restorePng(bytes, name),
    (n) => this.notify(n),
  );
  private spec?: { world: string; custom?: GmmSpec; value?: GmmSpec };

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.urlSync) {
      this.references = new ReferenceSolves(this.sandbox);
      this.preparer = new WorldPreparer(this.sandbox);
      this.pipelines = new ViewPipelines(this.sandbox.gpu.resources.device);
      this.runState = this.store.state;
      this.notify(this.initialNotices);
      this.urlSync = new UrlSync(this, this.store, this.sandbox, (n) => this.notify(n));
    }
    this.store.addEventListener('change', this.onStateChange);
    window.addEventListener('keydown', this.onKeyDown);
    const gpu = this.sandbox.gpu;
    gpu.addEventListener('gpuerror', this.onGpuError);
    gpu.addEventListener('lost', this.onDeviceLost);
    gpu.addEventListener('restored', this.onDeviceRestored);
    gpu.addEventListener('failed', this.onDeviceFailed);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store.removeEventListener('change', this.onStateChange);
    window.removeEventListener('keydown', this.onKeyDown);
    const gpu = this.sandbox.gpu;
    gpu.removeEventListener('gpuerror', this.onGpuError);
    gpu.removeEventListener('lost', this.onDeviceLost);
    gpu.removeEventListener('restored', this.onDeviceRestored);
    gpu.removeEventListener('failed', this.onDeviceFailed);
    this.cancelFrame?.();
  }

  override render() {
    const s = this.store.state;
    const spec = this.worldSpec(s);
    const runSpec = this.worldSpec(this.runState);
    const image = this.sandbox.worlds.find((w) => w.id === s.world)?.image;
    const caption = storyCaption(image ? 'image' : '2d', s.world, s.panels);
    return html`
      <header>
        <h1>Diffusion Sandbox</h1>
        <div class="actions">
          <button @click=${() => this.fileInput.click()}>Open PNG…</button>
          <input
            type="file"
            accept="image/png"
            hidden
            aria-label="Open a PNG exported by the sandbox"
            @change=${(e: Event) => this.openFile(e.target as HTMLInputElement)}
          />
          <button @click=${this.runAgain} title="Ctrl/Cmd+Enter">Re-run</button>
          <button
            class="stop-all"
            @click=${() => this.stopAll()}
            title="Esc: stops every panel run, the sweep and the grid"
          >
            Stop all
          </button>
          <button
            class="help-toggle"
            aria-expanded=${this.helpOpen ? 'true' : 'false'}
            aria-controls="help"
            title="How to read this page, and the papers"
            @click=${() => (this.helpOpen = !this.helpOpen)}
          >
            ? Help
          </button>
          ${image ? '' : html`<button @click=${() => (this.camera = DEFAULT_CAMERA)}>Reset view</button>`}
        </div>
        ${
          image
            ? html`<p class="lede">
                Every panel runs one diffusion sampler from the same starting noise through a trained network, and shows
                the images it makes. Pick a class and a guidance scale, or a resolution above the network's own
                ${image.size}×${image.size}: Upsample Guidance lets the native model steer the large image. Scrub
                through the steps to see x<sub>t</sub> and the denoiser's guess D(x<sub>t</sub>).
              </p>`
            : html`<p class="lede">
                Every panel runs one diffusion sampler from the same starting noise toward a 2D target whose exact
                density is the heatmap. Dots are the samples. Change a setting and the panels re-run at once: compare
                the error to a reference solution (RMSE) and the mean log-likelihood under the target, or scrub through
                the steps to see x<sub>t</sub> and the denoiser's guess D(x<sub>t</sub>).
              </p>`
        }
      </header>
      ${
        this.helpOpen
          ? html`<section class="help" id="help" aria-labelledby="help-title">
              <help-panel .samplers=${this.sandbox.samplers} .schedules=${this.sandbox.schedules}></help-panel>
            </section>`
          : ''
      }
      <notice-area
        .notices=${this.notices}
        @dismiss=${(e: CustomEvent<number>) => (this.notices = this.notices.filter((n) => n.id !== e.detail))}
        @dismiss-all=${() => (this.notices = [])}
      ></notice-area>
      <world-controls .state=${s}></world-controls>
      <div
        class="panels"
        @panel-action=${this.onPanelAction}
        @camera-change=${(e: CustomEvent<Camera>) => (this.camera = e.detail)}
        @mixture-change=${this.onMixtureChange}
        @grid-searched=${(e: CustomEvent<SearchedGrid>) => (this.searchedGrids = withSearchedGrid(this.searchedGrids, e.detail))}
        @notice=${(e: CustomEvent<string>) => this.addNotice('notice', e.detail)}
        @gpu-error=${(e: CustomEvent<Error>) => this.addNotice('gpu-error', e.detail.message)}
        @view-error=${(e: CustomEvent<unknown>) => this.addNotice('gpu-error', e.detail instanceof Error ? e.detail.message : String(e.detail))}
      >
        ${s.panels.map((_, i) => html`<sampler-panel .index=${i} .state=${s} .runState=${this.runState} .spec=${spec} .camera=${this.camera} .rerun=${this.rerun}></sampler-panel>`)}
        ${s.panels.length < LIMITS.panels[1] ? html`<button class="add" @click=${this.addPanel}>+ Add panel</button>` : ''}
      </div>
      ${caption ? html`<p class="caption" data-caption>${caption}</p>` : ''}
      <div class="charts">
        <section aria-labelledby="sigma-title">
          <h2 id="sigma-title">σ schedules</h2>
          <sigma-chart .state=${s} .searched=${this.searchedGrids}></sigma-chart>
        </section>
        <section aria-labelledby="error-title">
          <h2 id="error-title">Error vs NFE</h2>
          ${
            this.sweepable(this.runState)
              ? html`<error-chart .state=${this.runState}></error-chart>`
              : html`<p class="hint">
                  The sweep measures the error to a ${REFERENCE_STEPS}-step reference solution from the same noise.
                  ${
                    image
                      ? 'An image world has no affordable reference at that accuracy.'
                      : `For a reflowed world the reference costs ${REFERENCE_STEPS} steps of a regression over all its pairs; compare its panels by log-likelihood instead.`
                  }
                </p>`
          }
        </section>
      </div>
      <section aria-labelledby="grid-title">
        <h2 id="grid-title">X/Y grid</h2>
        <xy-grid .state=${this.runState} .spec=${runSpec} .camera=${this.camera}></xy-grid>
      </section>
      <footer>
        <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>Enter</kbd> re-runs · <kbd>Esc</kbd> stops every run · drop or paste an
        exported PNG to restore its settings · in a view: drag or arrows pan, wheel or <kbd>+</kbd>/<kbd>−</kbd> zoom,
        <kbd>0</kbd> resets.
      </footer>
    `;
  }

  /** The error sweep needs the shared world's reference solve: a 2D world that is not a reflow. */
  private sweepable(s: SandboxState): boolean {
    return (
      s.world === CUSTOM_WORLD ||
      (this.sandbox.worlds.find((w) => w.id === reflowLevel(s.world).base)?.kind === '2d' && !isReflowed(s.world))
    );
  }

  /** The mixture to draw for a state (memoised, so an unchanged world keeps its identity and its heatmap). A reflow
   *  has its base's target (maybe not made yet); an image world has none. */
  private worldSpec(s: SandboxState): GmmSpec | undefined {
    if (this.spec && this.spec.world === s.world && this.spec.custom === s.custom) return this.spec.value;
    const value = s.world === CUSTOM_WORLD ? s.custom : this.sandbox.worldSpec(reflowLevel(s.world).base);
    this.spec = { world: s.world, custom: s.custom, value };
    return value;
  }

  private readonly onStateChange = () => {
    this.requestUpdate();
    if (this.cancelFrame) return;
    this.cancelFrame = nextFrame(() => {
      this.cancelFrame = undefined;
      this.runState = this.store.state;
    });
  };

  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.runAgain();
    } else if (e.key === 'Escape') {
      if (this.stopAll()) e.preventDefault();
    }
  };

  /** Stops every panel run (between two GPU submissions; an AMED calibration or a reflow level the panels were
   *  waiting for stops with them), the error sweep, the X/Y grid and a reflow the Reflow button started; true if any
   *  ran. */
  private stopAll(): boolean {
    const panels = [...(this.renderRoot.querySelectorAll('sampler-panel') ?? [])].map((p) => p.stop());
    const sweep = this.errorChart?.cancel() ?? false;
    const grid = this.xyGrid?.cancel() ?? false;
    const reflow = this.worldControls?.cancel() ?? false;
    return panels.some(Boolean) || sweep || grid || reflow;
  }

  private runAgain(): void {
    this.cache.clear();
    this.rerun++;
  }

  private onPanelAction(e: CustomEvent<'duplicate' | 'remove'>): void {
    const index = (e.target as HTMLElement & { index: number }).index;
    this.store.update((d) => {
      if (e.detail === 'duplicate' && d.panels.length < LIMITS.panels[1])
        d.panels.splice(index + 1, 0, { ...d.panels[index] });
      if (e.detail === 'remove' && d.panels.length > LIMITS.panels[0]) d.panels.splice(index, 1);
    });
  }

  private addPanel(): void {
    this.store.update((d) => {
      const used = new Set(d.panels.map((p) => p.sampler));
      const sampler = this.sandbox.samplers.find((s) => !used.has(s.id)) ?? this.sandbox.samplers[0];
      // η at the sampler's declared default where it declares η (the η-SDE: 1, the reverse SDE), else 0.
      const eta = sampler.options.includes(ETA_SPEC) ? ETA_SPEC.default : 0;
      d.panels.push({ sampler: sampler.id, steps: 10, schedule: sampler.defaultSchedule, eta });
    });
  }

  private onMixtureChange(e: CustomEvent<GmmSpec>): void {
    this.store.update((d) => {
      d.world = CUSTOM_WORLD;
      d.custom = e.detail;
    });
  }

  private async openFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    await this.pngRestore.open(file);
  }

  private restorePng(bytes: Uint8Array, name: string): void {
    const { state, notices, source } = decodePngState(bytes, this.sandbox.worlds, this.sandbox.samplers);
    if (source === 'none') {
      this.notify(notices);
      return;
    }
    this.store.set(state, 'png');
    this.notify([`Restored the settings stored in ${JSON.stringify(name.slice(0, 80))}.`, ...notices]);
  }

  notify(texts: string[]): void {
    for (const text of texts) this.addNotice('notice', text);
  }

  private addNotice(kind: Notice['kind'], text: string): void {
    if (this.notices.some((n) => n.kind === kind && n.text === text)) return;
    this.notices = [...this.notices, { id: this.nextNoticeId++, kind, text }];
  }

  private readonly onGpuError = (e: Event) => this.addNotice('gpu-error', String((e as CustomEvent).detail));

  private readonly onDeviceLost = (e: Event) => {
    this.notices = this.notices.filter((n) => n.kind !== 'device');
    this.addNotice(
      'device',
      `The GPU device was lost (${String((e as CustomEvent).detail) || 'no reason given'}). Recovering on a new device; your settings are kept.`,
    );
  };

  private readonly onDeviceRestored = () => {
    this.pipelines = new ViewPipelines(this.sandbox.gpu.resources.device);
    this.notices = this.notices.filter((n) => n.kind !== 'device');
    this.addNotice('device', 'Recovered on a new GPU device; your settings are kept.');
  };

  private readonly onDeviceFailed = (e: Event) => {
    this.notices = this.notices.filter((n) => n.kind !== 'device');
    this.addNotice(
      'device',
      `The GPU device was lost and could not be recovered: ${String((e as CustomEvent).detail)}. Reload the page; the URL keeps your settings.`,
    );
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sandbox-app': SandboxApp;
  }
}
