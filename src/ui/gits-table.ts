/**
 * A GITS panel's search (Chen et al., ICML 2024): the fine-grid points the dynamic programme chose and their σ, how
 * the cost matrix was made (metric, coeff, fine points, teacher trajectories) and whether it came from an imported
 * file, with the search as JSON to export or import (./calibration-file.ts). Import is there before the first search
 * ends: an imported search replaces the one under way.
 */
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { GitsRunInfo } from '../sampling/gits/calibrations';
import { GITS_OPTIONS } from '../sampling/gits/options';
import { GITS_FILE } from './calibration-kinds';
import { calibrationTable, controls, focusRing } from './styles';
import './calibration-file';

const METRIC = GITS_OPTIONS.find((o) => o.key === 'gitsMetric');

/** The metric's label as its option declares it ("deviation", "L2", "L1"). */
function metricLabel(metric: string): string {
  const choices = METRIC?.type === 'choice' ? METRIC.choices : [];
  return choices.find((c) => c.value === metric)?.label ?? metric;
}

@customElement('gits-table')
export class GitsTable extends LitElement {
  static override styles = [focusRing, controls, calibrationTable];

  /** The search of the run for the panel's current settings; absent until it is done. */
  @property({ attribute: false }) info?: GitsRunInfo;
  /** Said in place of the search while there is none ("searching…"). */
  @property() pending = 'searching…';
  @property() panelLabel = 'Panel';

  override render() {
    const info = this.info;
    return html`<details open>
      <summary>GITS search: ${info ? this.describe(info) : this.pending}</summary>
      ${info ? this.renderGrid(info) : ''}
      <calibration-file
        .kind=${GITS_FILE}
        .value=${info?.calibration}
        .panelLabel=${this.panelLabel}
      ></calibration-file>
    </details>`;
  }

  private describe(info: GitsRunInfo): string {
    const steps = info.calibration.sigmas.length - 1;
    const source = info.imported ? ', from the imported search' : '';
    return `${steps} steps from ${info.finePoints} fine points (${metricLabel(info.metric)} metric, coeff ${info.coeff}, ${info.batch} trajectories${source})`;
  }

  private renderGrid(info: GitsRunInfo) {
    const { sigmas } = info.calibration;
    return html`<table aria-label="${this.panelLabel} GITS grid: the fine-grid point and σ of each step">
      <thead>
        <tr>
          <th scope="col">i</th>
          <th scope="col" title="Index on the fine Karras grid the search picks from">fine point</th>
          <th scope="col">σ<sub>i</sub></th>
        </tr>
      </thead>
      <tbody>
        ${sigmas.map(
          (sigma, i) =>
            html`<tr data-step=${i}>
              <td>${i}</td>
              <td data-field="fine">${info.indices[i] ?? '—'}</td>
              <td data-field="sigma">${sigma.toPrecision(4)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gits-table': GitsTable;
  }
}
