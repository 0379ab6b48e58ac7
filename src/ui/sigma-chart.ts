/** The panels' σ grids on a log axis: where each schedule spends its steps. σ_N = 0 is left out
 *  (a log axis has no 0); every grid ends there. */
import { consume } from '@lit/context';
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Sandbox } from '../api/sandbox';
import type { SandboxState } from '../state/params';
import { sandboxContext } from './contexts';
import { panelColor } from './panel-colors';
import { panelSteps } from './runs/run-request';
import { darkAxis, type ChartOptions } from './uplot-chart';
import './uplot-chart';

@customElement('sigma-chart')
export class SigmaChart extends LitElement {
  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @property({ attribute: false }) state!: SandboxState;
  private options?: { key: string; value: ChartOptions };

  override render() {
    const { options, data } = this.chart();
    return html`<uplot-chart
      .options=${options}
      .data=${data}
      description="σ at each step of every panel's schedule, log scale"
    ></uplot-chart>`;
  }

  /** A panel's σ grid without its final 0, or why there is none: a schedule may have no finite grid for some σ
   *  ranges (the panel's run then says so too), and the chart must still draw the others. */
  private grid(schedule: SandboxState['panels'][number]['schedule'], steps: number): number[] | string {
    const { sigmaMax, sigmaMin, rho } = this.state;
    try {
      return Array.from(this.sandbox.sigmas({ schedule, steps, sigmaMax, sigmaMin, rho })).slice(0, -1);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private chart() {
    const s = this.state;
    const series = s.panels.map((p, i) => {
      const steps = panelSteps(s, i, this.sandbox.samplers);
      const grid = steps > 0 ? this.grid(p.schedule, steps) : [];
      const sigmas = typeof grid === 'string' ? [] : grid;
      const label = this.sandbox.schedules.find((x) => x.id === p.schedule)?.label ?? p.schedule;
      return {
        label: `Panel ${i + 1}: ${label}, ${steps} steps${typeof grid === 'string' ? ` (${grid})` : ''}`,
        table: [sigmas.map((_, k) => k), sigmas] as uPlot.AlignedData,
      };
    });
    // A new uPlot instance only when the legend changes; new numbers alone go through setData.
    const key = JSON.stringify(series.map((x) => x.label));
    if (this.options?.key !== key) {
      this.options = {
        key,
        value: {
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [darkAxis('step i'), darkAxis('σ_i', { size: 60 })],
          series: [
            { label: 'step' },
            ...series.map((x, i) => ({
              label: x.label,
              stroke: panelColor(i),
              width: 1.5,
              spanGaps: true,
              points: { show: true, size: 4 },
            })),
          ],
        },
      };
    }
    return { options: this.options.value, data: uPlot.join(series.map((x) => x.table)) };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sigma-chart': SigmaChart;
  }
}
