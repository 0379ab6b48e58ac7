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
import { panelOptionValues } from '../state/panel-options';
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

  private chart() {
    const s = this.state;
    const series = s.panels.map((p, i) => {
      const steps = panelSteps(s, i, this.sandbox.samplers);
      const sigmas =
        steps > 0
          ? Array.from(
              this.sandbox.sigmas({
                schedule: p.schedule,
                steps,
                sigmaMax: s.sigmaMax,
                sigmaMin: s.sigmaMin,
                rho: s.rho,
                // The schedule's own parameters (vp's β_d, beta's α, β): the chart draws the grid the panel runs.
                ...panelOptionValues(
                  p,
                  this.sandbox.schedules.find((x) => x.id === p.schedule),
                ),
              }),
            ).slice(0, -1)
          : [];
      const schedule = this.sandbox.schedules.find((x) => x.id === p.schedule);
      // A searched schedule's grid needs its run; until then the chart shows the grid it searches from.
      const label = `${schedule?.label ?? p.schedule}${schedule?.preparing ? ' (before the search)' : ''}`;
      return {
        label: `Panel ${i + 1}: ${label}, ${steps} steps`,
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
