/**
 * A uPlot chart as a Lit element: rebuilt when its options change, fed new data in place, resized with its box.
 * uPlot's stylesheet is adopted into the shadow root (global CSS does not reach it).
 */
import { css, html, LitElement, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** Axis and grid colours for the page's dark background. */
export function darkAxis(label: string, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    label,
    stroke: '#c0c6e8',
    grid: { stroke: '#2b3160', width: 1 },
    ticks: { stroke: '#2b3160', width: 1 },
    ...extra,
  };
}

@customElement('uplot-chart')
export class UplotChart extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-width: 0;
      }
      .plot {
        width: 100%;
      }
      .u-legend {
        font-size: 0.75rem;
      }
    `,
  ];

  @property({ attribute: false }) options?: ChartOptions;
  @property({ attribute: false }) data: uPlot.AlignedData = [[]];
  /** What the chart shows, for screen readers. */
  @property() description = '';
  @property({ type: Number }) height = 220;
  @query('.plot') private container!: HTMLDivElement;
  private plot?: uPlot;
  private readonly resizeObserver = new ResizeObserver(() => this.plot?.setSize(this.size()));

  override render() {
    return html`<div class="plot" role="img" aria-label=${this.description}></div>`;
  }

  override firstUpdated(): void {
    this.resizeObserver.observe(this.container);
  }

  override updated(changed: PropertyValues<this>): void {
    if (!this.options) return;
    if (!this.plot || changed.has('options') || changed.has('height')) {
      this.plot?.destroy();
      this.plot = new uPlot({ ...this.options, ...this.size() }, this.data, this.container);
    } else if (changed.has('data')) {
      this.plot.setData(this.data);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.container.clientWidth), height: this.height };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'uplot-chart': UplotChart;
  }
}
