/**
 * "How to read this page": what a panel shows, what the numbers mean, and where each sampler and method comes
 * from. The papers are found from each registry entry's `citation` (its first author and year), so a newly
 * registered sampler is listed with its citation even before it has a known link.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Sandbox, SamplerMeta } from '../api/sandbox';
import { controls, focusRing } from './styles';

/** Papers by the "Author et al. year" their citations start with. */
const PAPERS: ReadonlyArray<{ match: RegExp; title: string; url: string }> = [
  {
    match: /^Karras et al\. 2022/,
    title: 'Elucidating the Design Space of Diffusion-Based Generative Models',
    url: 'https://arxiv.org/abs/2206.00364',
  },
  { match: /^Lu et al\. 2022, DPM-Solver\+\+/, title: 'DPM-Solver++', url: 'https://arxiv.org/abs/2211.01095' },
  { match: /^Lu et al\. 2022/, title: 'DPM-Solver', url: 'https://arxiv.org/abs/2206.00927' },
  {
    match: /^Song et al\. 2021/,
    title: 'Score-Based Generative Modeling through SDEs',
    url: 'https://arxiv.org/abs/2011.13456',
  },
  {
    match: /^Liu, Gong & Liu 2023|^Liu et al\. 2023/,
    title: 'Flow Straight and Fast: Rectified Flow',
    url: 'https://arxiv.org/abs/2209.03003',
  },
  {
    match: /^Zhang & Chen 2023/,
    title: 'Fast Sampling of Diffusion Models with Exponential Integrator (DEIS)',
    url: 'https://arxiv.org/abs/2204.13902',
  },
  {
    match: /^Zhou et al\. 2024/,
    title: 'Fast ODE-based Sampling for Diffusion Models in Around 5 Steps (AMED)',
    url: 'https://arxiv.org/abs/2312.00094',
  },
  { match: /^Zhao et al\. 2023/, title: 'UniPC', url: 'https://arxiv.org/abs/2302.04867' },
  {
    match: /^Chen et al\. 2024 \(ICML\), GITS/,
    title: 'On the Trajectory Regularity of ODE-based Diffusion Sampling (GITS)',
    url: 'https://arxiv.org/abs/2405.11326',
  },
];

/** Methods that are not samplers but change what the panels run. */
const METHODS = [
  {
    name: 'Classifier-free guidance',
    title: 'Classifier-Free Diffusion Guidance (Ho & Salimans 2022)',
    url: 'https://arxiv.org/abs/2207.12598',
  },
  {
    name: 'Upsample Guidance',
    title: 'Upsample Guidance (Hwang et al. 2024)',
    url: 'https://arxiv.org/abs/2404.01709',
  },
  {
    name: 'Skip-Tuning',
    title: 'The Surprising Effectiveness of Skip-Tuning in Diffusion Sampling (Ma et al. 2024)',
    url: 'https://arxiv.org/abs/2402.15170',
  },
  {
    name: 'Reflow',
    title: 'Flow Straight and Fast: Rectified Flow (Liu et al. 2023)',
    url: 'https://arxiv.org/abs/2209.03003',
  },
];

function paperFor(citation: string): { title: string; url: string } | undefined {
  return PAPERS.find((p) => p.match.test(citation));
}

@customElement('help-panel')
export class HelpPanel extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: block;
        font-size: 0.88rem;
        line-height: 1.4;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.4rem;
      }
      h3 {
        font-size: 0.9rem;
        margin: 0.6rem 0 0.2rem;
      }
      ul {
        margin: 0.2rem 0;
        padding-left: 1.2rem;
      }
      a {
        color: #9fb4ff;
      }
      .cite {
        color: #a4abd0;
      }
    `,
  ];

  @property({ attribute: false }) samplers: readonly SamplerMeta[] = [];
  @property({ attribute: false }) schedules: Sandbox['schedules'] = [];

  override render() {
    return html`
      <h2 id="help-title">How to read this page</h2>
      <ul>
        <li>
          Every panel runs one sampler from the <em>same</em> starting noise on the same world; the line under the
          panels says what the opening set shows.
        </li>
        <li>
          A panel's colour stripe is its colour in the σ-schedule and error charts. Its title names what sets it apart
          (sampler and steps, world member, upscale mode); hover it for the full name.
        </li>
        <li>
          <strong>NFE</strong> is the number of network (denoiser) evaluations: the cost. <strong>RMSE</strong> is the
          error to an accurate solution from the same noise (lower is better); <strong>log-likelihood</strong> is how
          likely the samples are under the exact target (higher is better). Image panels say how many images the
          classifier recognises as the asked class.
        </li>
        <li>
          A dimmed panel shows an earlier result: it is queued, running, stopped or stale, and says what changed.
          <kbd>Esc</kbd> or "Stop all" stops every run; each running panel has its own Stop.
        </li>
      </ul>
      <h3>Samplers and their papers</h3>
      <ul>
        ${this.samplers.map((s) => this.entry(s.label, s.citation))}
      </ul>
      <h3>Schedules</h3>
      <ul>
        ${this.schedules.map((s) => this.entry(s.label, s.citation))}
      </ul>
      <h3>Methods</h3>
      <ul>
        ${METHODS.map((m) => html`<li>${m.name}: <a href=${m.url} target="_blank" rel="noopener noreferrer">${m.title}</a></li>`)}
      </ul>
      <p>
        More: <a class="doc" href="docs/algorithms.md" target="_blank">every algorithm and its source</a>,
        <a class="doc" href="docs/architecture.md" target="_blank">how the code is laid out</a> and
        <a class="doc" href="docs/measured.md" target="_blank">what we measured on CPU-only machines</a> (Markdown); the
        measured comparisons behind the opening panels are in the repository's <code>bench/results/</code>.
      </p>
    `;
  }

  private entry(label: string, citation: string) {
    const paper = paperFor(citation);
    return html`<li>
      ${label}:
      ${paper ? html`<a href=${paper.url} target="_blank" rel="noopener noreferrer">${paper.title}</a>` : nothing}
      <span class="cite">(${citation})</span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'help-panel': HelpPanel;
  }
}
