/**
 * What a panel's run cost and how good it is: network evaluations, GPU time, RMSE to the
 * reference solution from the same noise (the discretisation error; its log-log slope against NFE is the order),
 * and the mean exact log-likelihood of the samples under the target. With Upsample Guidance the cost in full-size
 * evaluations is shown too (each guided step adds one evaluation at 1/m² the pixels; Hwang et al. 2024). Image
 * worlds have no exact density, so they show cost and time only, plus what the world's classifier makes of
 * the samples; a reflowed world has no affordable reference solve, so it shows no RMSE. Stochastic samplers lead
 * with the distribution metrics (mean log p, sliced W2) and show the RMSE struck through: their paths leave the
 * ODE's by design, so distance to the ODE reference is not their error.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export interface ReadoutValues {
  nfe?: number;
  /** Full-size evaluations, when it differs from the NFE. */
  cost?: number;
  steps?: number;
  gpuMs?: number;
  rmse?: number;
  logLikelihood?: number;
  /** Sliced W2 to exact target samples (stochastic panels lead with it). */
  slicedW2?: number;
}

const fixed = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? '…' : v.toFixed(digits);
const significant = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '…' : v.toPrecision(3));

@customElement('run-readout')
export class RunReadout extends LitElement {
  static override styles = css`
    dl {
      display: grid;
      grid-auto-flow: column;
      grid-template-rows: auto auto;
      justify-content: start;
      gap: 0 0.8em;
      margin: 0;
      font-size: 0.8rem;
    }
    dt {
      color: #a4abd0;
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
    .not-meaningful {
      opacity: 0.55;
      text-decoration: line-through;
    }
  `;

  @property({ attribute: false }) values: ReadoutValues = {};
  /** Which quality measures the world allows. */
  @property() metrics: 'rmse' | 'likelihood' | 'none' = 'rmse';
  /** The panel's sampler is stochastic: lead with the distribution metrics and mark the RMSE as not meaningful. */
  @property({ type: Boolean }) stochastic = false;
  /** Image panels: the classifier's verdict on the samples (runs/classifier-verdict.ts) and its details. */
  @property({ attribute: false }) verdict?: { text: string; detail: string };

  private rmse() {
    if (this.metrics !== 'rmse') return nothing;
    // A stochastic sampler's samples leave the ODE's paths by design, so their distance to the ODE reference from
    // the same noise measures the noise, not the error; only the distribution metrics judge them.
    return this.stochastic
      ? html`<dt
            class="not-meaningful"
            title="Not meaningful for a stochastic sampler: its samples follow other paths than the ODE reference from the same noise; judge it by mean log p and sliced W2"
          >
            RMSE to ODE ref. (n/m)
          </dt>
          <dd data-field="rmse" class="not-meaningful">${significant(this.values.rmse)}</dd>`
      : html`<dt title="Root-mean-square distance per sample to an RK4 reference solution from the same noise">
            RMSE to ref.
          </dt>
          <dd data-field="rmse">${significant(this.values.rmse)}</dd>`;
  }

  /** Mean log-likelihood always; sliced W2 too for stochastic panels, where it and log p are the measures. */
  private distribution() {
    if (this.metrics === 'none') return nothing;
    return html`<dt title="Mean exact log-likelihood of the samples under the target, in nats">mean log p</dt>
      <dd data-field="log-likelihood">${fixed(this.values.logLikelihood, 3)}</dd>
      ${
        this.stochastic
          ? html`<dt title="Sliced Wasserstein-2 distance to exact samples of the target (lower is better)">
                sliced W2
              </dt>
              <dd data-field="sliced-w2">${significant(this.values.slicedW2)}</dd>`
          : nothing
      }`;
  }

  override render() {
    const v = this.values;
    const withCost = v.cost !== undefined && v.nfe !== undefined && v.cost !== v.nfe;
    return html`<dl aria-live="polite">
      <dt title="Network (denoiser) evaluations">NFE</dt>
      <dd data-field="nfe">${v.nfe ?? '…'}</dd>
      ${
        withCost
          ? html`<dt
                title="Cost in full-size evaluations: Upsample Guidance adds one evaluation at 1/m² the pixels per guided step"
              >
                cost
              </dt>
              <dd data-field="cost">
                ${Number(v.cost!.toPrecision(4))} (+${Math.round((100 * (v.cost! - v.nfe!)) / v.nfe!)}%)
              </dd>`
          : nothing
      }
      <dt title="GPU time of the run">GPU ms</dt>
      <dd data-field="gpu-ms">${fixed(v.gpuMs, 1)}</dd>
      ${this.stochastic ? [this.distribution(), this.rmse()] : [this.rmse(), this.distribution()]}
      ${
        this.verdict
          ? html`<dt title="The classifier this world's manifest names, on these samples">classifier</dt>
              <dd data-field="classifier" title=${this.verdict.detail}>${this.verdict.text}</dd>`
          : nothing
      }
    </dl>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'run-readout': RunReadout;
  }
}
