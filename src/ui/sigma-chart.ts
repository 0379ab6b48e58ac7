/** The panels' σ grids on a log axis: where each schedule spends its steps. σ_N = 0 is left out (a log axis has no
 *  0). A searched schedule (GITS) has no grid before its run: the chart shows the grid its search picks from until
 *  the panel's run for these very settings reports the grid it chose, then that one. */
import { consume } from '@lit/context';
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Sandbox } from '../api/sandbox';
import type { SandboxState } from '../state/params';
import { sandboxContext } from './contexts';
import { panelColor } from './panel-colors';
import type { SearchedGrid } from './runs/panel-run';
import { panelRequest, panelSteps, requestKey } from './runs/run-request';
import { panelOptionValues } from '../state/panel-options';
import { darkAxis, type ChartOptions } from './uplot-chart';
import './uplot-chart';

@customElement('sigma-chart')
export class SigmaChart extends LitElement {
  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @property({ attribute: false }) state!: SandboxState;
  /** Grids searched by the panels' runs, by request key (./runs/panel-run.ts: `grid-searched`). */
  @property({ attribute: false }) searched: ReadonlyMap<string, Float64Array> = new Map();
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
  private grid(panel: SandboxState['panels'][number], steps: number): number[] | string {
    const { sigmaMax, sigmaMin, rho } = this.state;
    const schedule = this.sandbox.schedules.find((x) => x.id === panel.schedule);
    try {
      return Array.from(
        this.sandbox.sigmas({
          schedule: panel.schedule,
          steps,
          sigmaMax,
          sigmaMin,
          rho,
          // The schedule's own parameters (vp's β_d, beta's α, β): the chart draws the grid the panel runs.
          ...panelOptionValues(panel, schedule),
        }),
      ).slice(0, -1);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private chart() {
    const s = this.state;
    const series = s.panels.map((p, i) => {
      const steps = panelSteps(s, i, this.sandbox.samplers);
      const schedule = this.sandbox.schedules.find((x) => x.id === p.schedule);
      const searched = schedule?.preparing
        ? this.searched.get(requestKey(panelRequest(s, i, this.sandbox.samplers, this.sandbox.worlds)))
        : undefined;
      const grid = searched ? Array.from(searched).filter((sigma) => sigma > 0) : steps > 0 ? this.grid(p, steps) : [];
      const sigmas = typeof grid === 'string' ? [] : grid;
      const when = searched ? ' (searched)' : ' (before the search)';
      const label = `${schedule?.label ?? p.schedule}${schedule?.preparing ? when : ''}`;
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

/** Grids kept for the chart: enough for every panel's current and previous settings. */
const KEPT_GRIDS = 24;

/** The searched grids with one more (the newest last; the oldest dropped beyond KEPT_GRIDS), as a new map. */
export function withSearchedGrid(
  grids: ReadonlyMap<string, Float64Array>,
  { key, sigmas }: SearchedGrid,
): ReadonlyMap<string, Float64Array> {
  const next = new Map(grids);
  next.delete(key);
  next.set(key, sigmas);
  while (next.size > KEPT_GRIDS) next.delete(next.keys().next().value!);
  return next;
}

declare global {
  interface HTMLElementTagNameMap {
    'sigma-chart': SigmaChart;
  }
}
