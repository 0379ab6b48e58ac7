/**
 * The X/Y grid, AUTOMATIC1111-style: pick two of sampler, steps, schedule, the samplers'
 * declared options (η, σ_var, AFS, AMED base) and on image worlds the image options (CFG scale, UG w and η, Skip-Tuning's
 * ρ), type their
 * values (`euler, heun`, `3-15 (+2)`, `10-40 [4]`), see how many runs that is before starting, and get one
 * labelled image that exports as a PNG with the grid's axes in its metadata.
 */
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import type { ComposedGrid } from '../export/grid';
import { encodePng } from '../export/png';
import {
  AXIS_PARAMS,
  axisParamLabel,
  gridAxesText,
  gridCellCount,
  isImageAxis,
  MAX_GRID_CELLS,
  parseAxis,
  type Axis,
  type AxisParam,
} from '../state/axis';
import { toInfotext } from '../state/infotext';
import type { SandboxState } from '../state/params';
import type { GmmSpec } from '../worlds/gmm';
import { sandboxContext, viewPipelinesContext, worldPreparerContext } from './contexts';
import { downloadBytes } from './download';
import { runGrid, type GridJob } from './runs/grid-runner';
import { panelImage, panelWorldArg } from './runs/run-request';
import type { WorldPreparer } from './runs/world-preparer';
import { controlGrid, controls, focusRing } from './styles';
import { DEFAULT_CAMERA, type Camera } from './view/camera';
import type { ViewPipelines } from './view/view-pipelines';
import './progress-bar';

@customElement('xy-grid')
export class XyGrid extends LitElement {
  static override styles = [
    focusRing,
    controls,
    controlGrid,
    css`
      input[type='text'] {
        width: 12em;
      }
      .result {
        margin-top: 0.5rem;
        overflow: auto;
        max-height: 80vh;
      }
      canvas {
        max-width: 100%;
        image-rendering: auto;
      }
      .result.stale canvas {
        opacity: 0.45;
      }
      .stale-note {
        color: #ffd27a;
        font-size: 0.85rem;
        margin: 0.3rem 0 0;
      }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: viewPipelinesContext, subscribe: true }) @state() private pipelines?: ViewPipelines;
  @consume({ context: worldPreparerContext }) private preparer!: WorldPreparer;
  @property({ attribute: false }) state!: SandboxState;
  @property({ attribute: false }) spec?: GmmSpec;
  @property({ attribute: false }) camera: Camera = DEFAULT_CAMERA;

  @state() private xParam: AxisParam = 'steps';
  @state() private xText = '3, 6, 12';
  @state() private yParam: AxisParam = 'sampler';
  @state() private yText = 'euler, heun';
  @state() private progress: number | null = null;
  @query('canvas') private canvas?: HTMLCanvasElement;
  private shown?: { grid: ComposedGrid; job: GridJob };

  private readonly task = new Task(this, {
    autoRun: false,
    task: async ([job]: [GridJob], { signal }) => {
      if (!this.pipelines) throw new Error('grid: the GPU view is not ready yet');
      await this.preparer.ready(panelWorldArg(job.base, 0));
      try {
        const grid = await runGrid(this.sandbox, this.pipelines, job, {
          signal,
          onProgress: (f) => (this.progress = f),
        });
        this.shown = { grid, job };
        return grid;
      } finally {
        this.progress = null;
      }
    },
  });

  /** Esc: stop a running grid. */
  cancel(): boolean {
    if (this.task.status !== TaskStatus.PENDING) return false;
    this.task.abort();
    return true;
  }

  override render() {
    const x = this.axis(this.xParam, this.xText);
    const y = this.axis(this.yParam, this.yText);
    const imageOnly = [this.xParam, this.yParam].find((p) => !this.params().includes(p));
    const problem =
      'error' in x
        ? x.error
        : 'error' in y
          ? y.error
          : this.xParam === this.yParam
            ? 'grid: X and Y must vary different settings'
            : imageOnly
              ? `${imageOnly}: only image worlds have this setting`
              : '';
    const cells =
      'values' in x && 'values' in y
        ? gridCellCount({ param: this.xParam, values: x.values }, { param: this.yParam, values: y.values })
        : 0;
    const tooMany = cells > MAX_GRID_CELLS;
    const running = this.task.status === TaskStatus.PENDING;
    const failed = this.task.status === TaskStatus.ERROR && (this.task.error as Error)?.name !== 'AbortError';
    const shown = this.task.status === TaskStatus.COMPLETE ? this.shown : undefined;
    const changed = shown ? gridChanges(shown.job.base, this.state) : [];
    return html`
      <div class="grid">
        ${this.axisInputs(
          'X',
          this.xParam,
          this.xText,
          (p) => (this.xParam = p),
          (t) => (this.xText = t),
        )}
        ${this.axisInputs(
          'Y',
          this.yParam,
          this.yText,
          (p) => (this.yParam = p),
          (t) => (this.yText = t),
        )}
      </div>
      <div class="grid">
        <span data-run-count=${cells} role="status"
          >${problem || (tooMany ? `${cells} runs: at most ${MAX_GRID_CELLS} allowed` : `${'values' in x ? x.values.length : 0} × ${'values' in y ? y.values.length : 0} = ${cells} runs`)}</span
        >
        <button ?disabled=${!!problem || tooMany || running || !this.pipelines} @click=${this.start}>Run grid</button>
        ${running ? html`<button @click=${() => this.cancel()}>Cancel (Esc)</button>` : nothing}
        ${this.task.status === TaskStatus.COMPLETE ? html`<button @click=${this.exportPng}>Export grid PNG</button>` : nothing}
      </div>
      <progress-bar .fraction=${this.progress} label="X/Y grid"></progress-bar>
      ${failed ? html`<div class="error" role="alert">${String((this.task.error as Error)?.message ?? this.task.error)}</div>` : nothing}
      ${
        changed.length
          ? html`<p class="stale-note" data-stale role="status">
              Out of date: made before changes to ${changed.join(', ')}. Run the grid again to update it.
            </p>`
          : nothing
      }
      <div class="result ${changed.length ? 'stale' : ''}">
        ${
          shown
            ? html`<canvas
                width=${shown.grid.width}
                height=${shown.grid.height}
                data-columns=${shown.job.x.values.length}
                data-rows=${shown.job.y.values.length}
                role="img"
                aria-label="X/Y grid: ${gridAxesText(shown.job.x, shown.job.y)}"
              ></canvas>`
            : nothing
        }
      </div>
    `;
  }

  override updated(): void {
    if (this.canvas && this.shown) {
      const { data, width, height } = this.shown.grid;
      this.canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    }
  }

  /** The settings an axis can vary here: image options only on image worlds. */
  private params(): readonly AxisParam[] {
    const image = panelImage(this.state, 0, this.sandbox.worlds) !== undefined;
    return AXIS_PARAMS.filter((p) => image || !isImageAxis(p));
  }

  private axis(param: AxisParam, text: string) {
    return parseAxis(param, text, this.sandbox.samplers, this.sandbox.schedules);
  }

  private axisInputs(
    name: 'X' | 'Y',
    param: AxisParam,
    text: string,
    setParam: (p: AxisParam) => void,
    setText: (t: string) => void,
  ) {
    return html`<label
        >${name}
        <select
          aria-label="${name} axis setting"
          @change=${(e: Event) => setParam((e.target as HTMLSelectElement).value as AxisParam)}
        >
          ${this.params().map((p) => html`<option value=${p} ?selected=${p === param}>${axisParamLabel(p)}</option>`)}
        </select>
      </label>
      <label
        >values
        <input
          type="text"
          aria-label="${name} axis values"
          .value=${text}
          @input=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
      </label>`;
  }

  private start(): void {
    const x = this.axis(this.xParam, this.xText);
    const y = this.axis(this.yParam, this.yText);
    if (!('values' in x) || !('values' in y) || (!this.spec && !panelImage(this.state, 0, this.sandbox.worlds))) return;
    if (![this.xParam, this.yParam].every((p) => this.params().includes(p))) return;
    const world =
      this.sandbox.worlds.find((w) => w.id === this.state.world)?.label ??
      (this.state.world === 'custom' ? 'Custom mixture' : this.state.world);
    const job: GridJob = {
      base: this.state,
      x: { param: this.xParam, values: x.values } satisfies Axis,
      y: { param: this.yParam, values: y.values } satisfies Axis,
      spec: this.spec,
      camera: this.camera,
      title: `${world}, seed ${this.state.seed}, ${this.state.count} samples`,
    };
    this.task.run([job]);
  }

  private exportPng(): void {
    if (!this.shown) return;
    const { grid, job } = this.shown;
    const bytes = encodePng(
      grid,
      job.base,
      toInfotext(job.base, 0, {
        gridAxes: gridAxesText(job.x, job.y),
        image: panelImage(job.base, 0, this.sandbox.worlds),
      }),
    );
    downloadBytes(bytes, `sandbox-grid-${job.x.param}-${job.y.param}-seed${job.base.seed}.png`, 'image/png');
  }
}

/** What a grid depends on (the shared settings and panel 1, which its cells vary) that changed since it was made. */
function gridChanges(made: SandboxState, now: SandboxState): string[] {
  const { panels: madePanels, ...madeShared } = made;
  const { panels: nowPanels, ...nowShared } = now;
  const keys = new Set([...Object.keys(madeShared), ...Object.keys(nowShared)]) as Set<keyof typeof madeShared>;
  const changed: string[] = [...keys].filter((k) => JSON.stringify(madeShared[k]) !== JSON.stringify(nowShared[k]));
  if (JSON.stringify(madePanels[0]) !== JSON.stringify(nowPanels[0])) changed.push('panel 1');
  return changed;
}

declare global {
  interface HTMLElementTagNameMap {
    'xy-grid': XyGrid;
  }
}
