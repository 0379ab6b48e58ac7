/**
 * Error to the reference versus NFE on log-log axes (the slope is the sampler's order; stochastic panels plot sliced
 * W2 to the target instead, dashed), filled by a background sweep
 * (runs/nfe-sweep.ts) with a progress bar. The sweep runs on request and Esc cancels it; when the panels change,
 * the chart says its numbers belong to earlier settings.
 */
import { consume } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Sandbox } from '../api/sandbox';
import type { SandboxState } from '../state/params';
import { referenceSolvesContext, sandboxContext } from './contexts';
import { panelColor } from './panel-colors';
import type { ReferenceSolves } from './runs/reference-solves';
import { planSweep, runSweep, type SweepSeries } from './runs/nfe-sweep';
import { referenceRequest } from './runs/run-request';
import { controls, focusRing } from './styles';
import { darkAxis, type ChartOptions } from './uplot-chart';
import './progress-bar';
import './uplot-chart';

@customElement('error-chart')
export class ErrorChart extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      .bar {
        display: flex;
        gap: 0.6rem;
        align-items: center;
        flex-wrap: wrap;
        margin-bottom: 0.3rem;
      }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @consume({ context: referenceSolvesContext }) private references!: ReferenceSolves;
  @property({ attribute: false }) state!: SandboxState;
  @state() private series: SweepSeries[] = [];
  @state() private progress: number | null = null;
  /** The settings the shown series were computed for. */
  @state() private sweptKey = '';

  private readonly sweep = new Task(this, {
    autoRun: false,
    task: async ([state]: [SandboxState], { signal }) => {
      this.series = [];
      this.sweptKey = this.sweepKey(state);
      try {
        return await runSweep(this.sandbox, this.references, state, {
          signal,
          onPoint: (series) => (this.series = series.map((s) => ({ ...s, points: [...s.points] }))),
          onProgress: (f) => (this.progress = f),
        });
      } finally {
        this.progress = null;
      }
    },
  });

  /** Esc: stop a running sweep (the points so far stay on the chart). */
  cancel(): boolean {
    if (this.sweep.status !== TaskStatus.PENDING) return false;
    this.sweep.abort();
    return true;
  }

  override render() {
    const running = this.sweep.status === TaskStatus.PENDING;
    const stale = this.series.length > 0 && this.sweptKey !== this.sweepKey(this.state);
    const error =
      this.sweep.status === TaskStatus.ERROR && (this.sweep.error as Error)?.name !== 'AbortError'
        ? String((this.sweep.error as Error)?.message ?? this.sweep.error)
        : '';
    return html`
      <div class="bar">
        <button @click=${() => this.sweep.run([this.state])} ?disabled=${running}>
          ${this.series.length ? 'Sweep again' : 'Run NFE sweep'}
        </button>
        ${running ? html`<button @click=${() => this.cancel()}>Cancel (Esc)</button>` : nothing}
        ${stale ? html`<span class="hint">These points are for earlier settings.</span>` : nothing}
        ${this.series.length === 0 && !running ? html`<span class="hint">Runs every panel's sampler at 2–64 NFE against the reference solution.</span>` : nothing}
      </div>
      <progress-bar .fraction=${this.progress} label="NFE sweep"></progress-bar>
      ${error ? html`<div class="error" role="alert">${error}</div>` : nothing}
      <uplot-chart
        .options=${this.options()}
        .data=${this.data()}
        data-points=${this.series.reduce((a, s) => a + s.points.length, 0)}
        description="RMSE to the reference solution (stochastic panels: sliced W2 to the target) against the number of function evaluations, log-log"
      ></uplot-chart>
    `;
  }

  private sweepKey(state: SandboxState): string {
    return JSON.stringify([
      referenceRequest(state),
      planSweep(state, this.sandbox.samplers, this.sandbox.schedules).series.map((s) => s.label),
    ]);
  }

  private cachedOptions?: { key: string; value: ChartOptions };

  private options(): ChartOptions {
    const key = JSON.stringify(this.series.map((s) => [s.label, s.panel, s.metric]));
    if (this.cachedOptions?.key !== key) {
      this.cachedOptions = {
        key,
        value: {
          scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
          axes: [darkAxis('NFE'), darkAxis('RMSE to ref. (ODE) · sliced W2 (stochastic, dashed)', { size: 60 })],
          series: [
            { label: 'NFE' },
            ...this.series.map((s) => ({
              label: s.label,
              stroke: panelColor(s.panel),
              width: 1.5,
              ...(s.metric === 'slicedW2' ? { dash: [6, 4] } : {}),
              spanGaps: true,
              points: { show: true, size: 5 },
            })),
          ],
        },
      };
    }
    return this.cachedOptions.value;
  }

  private data(): uPlot.AlignedData {
    if (this.series.length === 0) return [[]];
    return uPlot.join(
      this.series.map((s) => [s.points.map((p) => p.nfe), s.points.map((p) => p.value)] as uPlot.AlignedData),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'error-chart': ErrorChart;
  }
}
