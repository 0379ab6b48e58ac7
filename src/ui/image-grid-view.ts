/**
 * An image panel's view: the samples as a gray grid, or at a pinned step x_t beside the
 * denoiser's guess D(x_t), side by side. Canvases show the pixels at their true size, scaled up without smoothing,
 * so what is on screen is what the sampler made. Over the samples, each image can carry a tooltip (the classifier's
 * verdict on it), on a transparent cell laid over the canvas where the mosaic put that image.
 */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, queryAll } from 'lit/decorators.js';
import { mosaicColumns } from './view/image-mosaic';
import { GAP_PX } from './view/image-frames';
import type { ImageFrame } from './view/image-frame';
import type { RgbaImage } from './view/offscreen';

@customElement('image-grid-view')
export class ImageGridView extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      gap: 0.4rem;
    }
    figure {
      flex: 1;
      margin: 0;
      min-width: 0;
      position: relative;
    }
    .cell {
      position: absolute;
    }
    canvas {
      display: block;
      width: 100%;
      image-rendering: pixelated;
      background: #0b0d1e;
      border-radius: 4px;
    }
    figcaption {
      font-size: 0.75rem;
      color: #a4abd0;
      text-align: center;
    }
    .x {
      color: #ff8c26;
    }
    .d {
      color: #59d9ff;
    }
    .empty {
      width: 100%;
      aspect-ratio: 1;
      background: #0b0d1e;
      border-radius: 4px;
    }
  `;

  /** What to show: one frame (the samples) or two (x_t, D(x_t)). */
  @property({ attribute: false }) frames: ImageFrame[] = [];
  /** One tooltip per image of the samples frame (none while empty, or while a step is pinned). */
  @property({ attribute: false }) titles: string[] = [];
  /** What the view shows, for screen readers. */
  @property() description = '';
  @queryAll('canvas') private canvases!: NodeListOf<HTMLCanvasElement>;

  override render() {
    if (this.frames.length === 0) return html`<div class="empty" role="img" aria-label=${this.description}></div>`;
    const role = this.frames.length > 1 ? ['x', 'd'] : [''];
    return this.frames.map(
      (f, i) =>
        html`<figure>
          <canvas
            width=${f.image.width}
            height=${f.image.height}
            role="img"
            aria-label="${f.caption}: ${this.description}"
            data-frame=${i}
          ></canvas>
          ${this.frames.length === 1 ? this.cells(f.image) : ''}
          ${this.frames.length > 1 ? html`<figcaption class=${role[i]}>${f.caption}</figcaption>` : ''}
        </figure>`,
    );
  }

  /** Transparent cells over the mosaic's images (mosaicColumns columns, GAP_PX between), each with its title. */
  private cells(image: RgbaImage) {
    const count = this.titles.length;
    if (count === 0) return '';
    const columns = mosaicColumns(count);
    const side = (image.width - (columns - 1) * GAP_PX) / columns;
    const percent = (px: number, of: number) => `${(100 * px) / of}%`;
    return this.titles.map((title, n) => {
      const left = (n % columns) * (side + GAP_PX);
      const top = Math.floor(n / columns) * (side + GAP_PX);
      const style = `left:${percent(left, image.width)};top:${percent(top, image.height)};width:${percent(side, image.width)};height:${percent(side, image.height)}`;
      // A property binding (style.cssText, CSSOM), not a style attribute: the page's CSP allows no inline styles.
      return html`<span class="cell" .style=${style} title=${title} data-cell=${n}></span>`;
    });
  }

  override updated(changed: PropertyValues<this>): void {
    if (!changed.has('frames')) return;
    this.canvases.forEach((canvas, i) => {
      const { data, width, height } = this.frames[i].image;
      canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'image-grid-view': ImageGridView;
  }
}
