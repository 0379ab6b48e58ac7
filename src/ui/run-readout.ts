/**
 * What a panel's run cost and how good it is (issue "page" §2): network evaluations, GPU time, RMSE to the
 * reference solution from the same noise (the discretisation error; its log-log slope against NFE is the order),
 * and the mean exact log-likelihood of the samples under the target.
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface ReadoutValues {
  nfe?: number;
  steps?: number;
  gpuMs?: number;
  rmse?: number;
  logLikelihood?: number;
}

const fixed = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '…' : v.toFixed(digits));
const significant = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '…' : v.toPrecision(3));

@customElement('run-readout')
export class RunReadout extends LitElement {
  static override styles = css`
    dl { display: grid; grid-template-columns: repeat(4, auto); gap: 0 0.8em; margin: 0; font-size: 0.8rem; }
    dt { color: #a4abd0; }
    dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
  `;

  @property({ attribute: false }) values: ReadoutValues = {};

  override render() {
    const v = this.values;
    return html`<dl aria-live="polite">
      <dt title="Network (denoiser) evaluations">NFE</dt>
      <dt title="GPU time of the run">GPU ms</dt>
      <dt title="Root-mean-square distance per sample to an RK4 reference solution from the same noise">RMSE to ref.</dt>
      <dt title="Mean exact log-likelihood of the samples under the target, in nats">mean log p</dt>
      <dd data-field="nfe">${v.nfe ?? '…'}</dd>
      <dd data-field="gpu-ms">${fixed(v.gpuMs, 1)}</dd>
      <dd data-field="rmse">${significant(v.rmse)}</dd>
      <dd data-field="log-likelihood">${fixed(v.logLikelihood, 3)}</dd>
    </dl>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-readout': RunReadout;
  }
}
