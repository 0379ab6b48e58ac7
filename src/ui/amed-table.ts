/**
 * An AMED panel's calibration: the mean-value point r_n and the scale c_n the calibration chose for
 * each step t_n → t_{n+1} (Zhou et al. 2024, eq. 9–10: the intermediate time is s_n = t_{n+1}^{r_n} t_n^{1−r_n}),
 * with its fit to the teacher, and the calibration as JSON to export or import (./calibration-file.ts). A run of the
 * learned predictor (Zhou et al. 2024, §3.2) gives every sample its own r and c: the table then shows their mean ±
 * standard deviation per step.
 */
import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AmedCalibration } from '../sampling/amed/calibrations';
import type { AmedRunInfo } from '../sampling/amed/run-info';
import { AMED_FILE } from './calibration-kinds';
import { calibrationTable, controls, focusRing } from './styles';
import './calibration-file';

const fixed = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
/** An imported file's losses are not checked by the engine (they do not change a run): show only numbers. */
const lossText = (loss: unknown) => (typeof loss === 'number' && Number.isFinite(loss) ? loss.toExponential(2) : '—');

@customElement('amed-table')
export class AmedTable extends LitElement {
  static override styles = [focusRing, controls, calibrationTable];

  @property({ attribute: false }) calibration?: AmedCalibration;
  /** The run's AMED steps when the learned predictor set them (then `calibration` is absent). */
  @property({ attribute: false }) predicted?: AmedRunInfo;
  @property() panelLabel = 'Panel';

  override render() {
    const c = this.calibration;
    if (this.predicted) return this.renderPredicted(this.predicted);
    return html`<details open>
      <summary>
        AMED
        calibration${c ? `: ${c.steps.length} steps, ${c.variant === 'solver' ? 'AMED-Solver' : `plugin on ${c.variant}`}${c.afs ? ', AFS' : ''}` : ': calibrating…'}
      </summary>
      ${
        c
          ? html`<table aria-label="${this.panelLabel} AMED calibration: r and c per step">
              <thead>
                <tr>
                  <th scope="col">n</th>
                  <th scope="col">σ<sub>n</sub> → σ<sub>n+1</sub></th>
                  <th scope="col">r<sub>n</sub></th>
                  <th scope="col">c<sub>n</sub></th>
                  <th scope="col" title="Mean squared distance to the teacher after this step">loss</th>
                </tr>
              </thead>
              <tbody>
                ${c.steps.map(
                  (s, n) =>
                    html`<tr data-step=${n}>
                      <td>${n}</td>
                      <td>${c.sigmas[n].toPrecision(3)} → ${c.sigmas[n + 1].toPrecision(3)}</td>
                      <td data-field="r">${fixed(s.r, 3)}</td>
                      <td data-field="c">${fixed(s.c, 3)}</td>
                      <td>${lossText(c.losses[n])}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : ''
      }
      <calibration-file .kind=${AMED_FILE} .value=${c} .panelLabel=${this.panelLabel}></calibration-file>
    </details>`;
  }

  private renderPredicted(p: AmedRunInfo) {
    const pm = (mean: number, sd: number | undefined) => `${fixed(mean, 3)} ± ${fixed(sd, 3)}`;
    return html`<details open>
      <summary>AMED learned predictor: ${p.steps.length} steps, AMED-Solver, AFS (per-sample r, c: mean ± sd)</summary>
      <table
        aria-label="${this.panelLabel} AMED learned predictor: mean and standard deviation of r and c per step"
        data-source="predictor"
      >
        <thead>
          <tr>
            <th scope="col">n</th>
            <th scope="col">r<sub>n</sub></th>
            <th scope="col">c<sub>n</sub></th>
          </tr>
        </thead>
        <tbody>
          ${p.steps.map(
            (s, n) =>
              html`<tr data-step=${n}>
                <td>${n}</td>
                <td data-field="r">${pm(s.r, s.rStd)}</td>
                <td data-field="c">${pm(s.c, s.cStd)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amed-table': AmedTable;
  }
}
