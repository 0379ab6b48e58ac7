/**
 * A 2D view drawn with WebGPU: the target's exact log-density as a heatmap, trajectories, and the samples as dots.
 * Drag pans, the wheel zooms (keys: arrows, + and −, 0 resets). When `editable`, the view is also where the user
 * draws their own mixture (view/mixture-edit.ts): click to add a component, drag its mean, wheel over it for its
 * width, shift-drag for its weight, Delete to remove it.
 *
 * @fires camera-change - detail: the new Camera
 * @fires mixture-change - detail: the edited GmmSpec
 */
import { consume } from '@lit/context';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { GmmSpec } from '../worlds/gmm';
import { viewPipelinesContext } from './contexts';
import { DEFAULT_CAMERA, panByPixels, pixelToWorld, zoomAt, type Camera, type Viewport } from './view/camera';
import { addComponent, hitComponent, moveComponent, removeComponent, scaleStd, scaleWeight } from './view/mixture-edit';
import type { Rgba } from './view/palette';
import { ViewScene, type DotLayer, type PathLayer } from './view/view-scene';
import type { ViewPipelines } from './view/view-pipelines';
import { focusRing } from './styles';

const HANDLE_COLOR: Rgba = [1, 1, 1, 0.9];
const SELECTED_COLOR: Rgba = [1, 0.2, 0.6, 0.95];
const CLICK_SLOP_PX = 4;
const HIT_RADIUS_PX = 10;

type Gesture =
  | { kind: 'pan'; x: number; y: number; camera: Camera; moved: boolean }
  | { kind: 'move' | 'weight'; x: number; y: number; spec: GmmSpec; component: number; grab: [number, number] };

@customElement('density-view')
export class DensityView extends LitElement {
  static override styles = [
    focusRing,
    css`
      :host {
        display: block;
        position: relative;
      }
      canvas {
        display: block;
        width: 100%;
        aspect-ratio: 1;
        border-radius: 4px;
        touch-action: none;
        cursor: grab;
        background: #0b0d1e;
      }
      canvas.editable {
        cursor: crosshair;
      }
    `,
  ];

  @consume({ context: viewPipelinesContext, subscribe: true })
  @state()
  private pipelines?: ViewPipelines;

  @property({ attribute: false }) spec?: GmmSpec;
  @property({ attribute: false }) camera: Camera = DEFAULT_CAMERA;
  @property({ attribute: false }) dots: DotLayer[] = [];
  @property({ attribute: false }) paths?: PathLayer;
  @property({ type: Boolean }) editable = false;
  /** What the view shows, for screen readers (the canvas is one image to them). */
  @property() description = '';

  @state() private selected = -1;
  @query('canvas') private canvas!: HTMLCanvasElement;

  private context?: GPUCanvasContext;
  private scene?: ViewScene;
  private configuredFor?: GPUDevice;
  private drawQueued = false;
  private gesture?: Gesture;
  private readonly resizeObserver = new ResizeObserver(() => this.queueDraw());

  override render() {
    const help = this.editable
      ? ' Editing: click adds a component, drag moves it, wheel changes its width, shift-drag its weight, Delete removes it; with the view focused, N adds one at the centre, [ and ] select, arrows move.'
      : '';
    return html`<canvas
      class=${this.editable ? 'editable' : ''}
      tabindex="0"
      role="img"
      aria-label=${`${this.description} Drag or arrow keys pan, wheel or + and − zoom, 0 resets the view.${help}`}
      @pointerdown=${this.onPointerDown}
      @pointermove=${this.onPointerMove}
      @pointerup=${this.onPointerUp}
      @pointercancel=${() => (this.gesture = undefined)}
      @keydown=${this.onKeyDown}
    ></canvas>`;
  }

  override firstUpdated(): void {
    this.resizeObserver.observe(this.canvas);
    // Wheel must be non-passive to keep the page from scrolling while zooming.
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver.disconnect();
    this.scene?.destroy();
    this.scene = undefined;
    this.configuredFor = undefined;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('spec') && this.spec && this.selected >= this.spec.means.length) this.selected = -1;
    if (changed.has('editable') && !this.editable) this.selected = -1;
    this.queueDraw();
  }

  private queueDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw().catch((e: unknown) =>
        this.dispatchEvent(new CustomEvent('view-error', { detail: e, bubbles: true, composed: true })),
      );
    });
  }

  private viewport(): Viewport {
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    return {
      width: Math.max(1, Math.round(this.canvas.clientWidth * ratio)),
      height: Math.max(1, Math.round(this.canvas.clientHeight * ratio)),
    };
  }

  private async draw(): Promise<void> {
    const pipelines = this.pipelines;
    if (!pipelines || !this.spec || !this.isConnected || this.canvas.clientWidth === 0) return;
    const viewport = this.viewport();
    if (this.canvas.width !== viewport.width || this.canvas.height !== viewport.height)
      Object.assign(this.canvas, viewport);
    const format = navigator.gpu.getPreferredCanvasFormat();
    if (this.configuredFor !== pipelines.device) {
      this.context ??= this.canvas.getContext('webgpu')!;
      this.context.configure({ device: pipelines.device, format, alphaMode: 'opaque' });
      this.scene?.destroy();
      this.scene = new ViewScene(pipelines);
      this.configuredFor = pipelines.device;
    }
    const context = this.context!;
    await this.scene!.draw(() => context.getCurrentTexture(), format, viewport, {
      spec: this.spec,
      camera: this.camera,
      dots: [...this.dots, ...this.handles()],
      paths: this.paths,
    });
  }

  /** The components' means, when editing, so there is something to grab. */
  private handles(): DotLayer[] {
    if (!this.editable || !this.spec) return [];
    const layers: DotLayer[] = [
      { positions: Float32Array.from(this.spec.means.flat()), color: HANDLE_COLOR, radiusPx: 4 },
    ];
    if (this.selected >= 0)
      layers.push({ positions: Float32Array.from(this.spec.means[this.selected]), color: SELECTED_COLOR, radiusPx: 6 });
    return layers;
  }

  /** Pointer position in device pixels of the canvas. */
  private pointer(e: { clientX: number; clientY: number }): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    const viewport = this.viewport();
    return [
      ((e.clientX - rect.left) * viewport.width) / rect.width,
      ((e.clientY - rect.top) * viewport.height) / rect.height,
    ];
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    const [x, y] = this.pointer(e);
    const viewport = this.viewport();
    const hit = this.editable && this.spec ? hitComponent(this.spec, this.camera, viewport, x, y, HIT_RADIUS_PX) : -1;
    if (hit >= 0 && this.spec) {
      this.selected = hit;
      const [wx, wy] = pixelToWorld(this.camera, viewport, x, y);
      const [mx, my] = this.spec.means[hit];
      this.gesture = {
        kind: e.shiftKey ? 'weight' : 'move',
        x,
        y,
        spec: this.spec,
        component: hit,
        grab: [mx - wx, my - wy],
      };
    } else {
      this.gesture = { kind: 'pan', x, y, camera: this.camera, moved: false };
    }
  }

  private onPointerMove(e: PointerEvent): void {
    const g = this.gesture;
    if (!g) return;
    const [x, y] = this.pointer(e);
    const viewport = this.viewport();
    if (g.kind === 'pan') {
      g.moved ||= Math.hypot(x - g.x, y - g.y) > CLICK_SLOP_PX;
      if (g.moved) this.emitCamera(panByPixels(g.camera, viewport, x - g.x, y - g.y));
    } else if (g.kind === 'move') {
      const [wx, wy] = pixelToWorld(this.camera, viewport, x, y);
      this.emitMixture(moveComponent(g.spec, g.component, [wx + g.grab[0], wy + g.grab[1]]));
    } else {
      // Up makes a component heavier: ×e per 60 px.
      this.emitMixture(scaleWeight(g.spec, g.component, Math.exp((g.y - y) / 60)));
    }
  }

  private onPointerUp(e: PointerEvent): void {
    const g = this.gesture;
    this.gesture = undefined;
    if (g?.kind !== 'pan' || g.moved || !this.editable || !this.spec) return;
    const [x, y] = this.pointer(e);
    const next = addComponent(this.spec, pixelToWorld(this.camera, this.viewport(), x, y));
    this.selected = next.means.length - 1;
    this.emitMixture(next);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const [x, y] = this.pointer(e);
    const factor = Math.exp(-e.deltaY / 400);
    const hit =
      this.editable && this.spec ? hitComponent(this.spec, this.camera, this.viewport(), x, y, HIT_RADIUS_PX) : -1;
    if (hit >= 0 && this.spec) {
      this.selected = hit;
      this.emitMixture(scaleStd(this.spec, hit, factor));
    } else {
      this.emitCamera(zoomAt(this.camera, this.viewport(), x, y, factor));
    }
  }

  private onKeyDown(e: KeyboardEvent): void {
    const viewport = this.viewport();
    const spec = this.spec;
    const editing = this.editable && spec !== undefined;
    const step = this.camera.halfHeight / 10;
    const arrows: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    let handled = true;
    if (e.key in arrows) {
      const [dx, dy] = arrows[e.key];
      if (editing && this.selected >= 0) {
        const [mx, my] = spec.means[this.selected];
        this.emitMixture(moveComponent(spec, this.selected, [mx + dx * step, my + dy * step]));
      } else {
        this.emitCamera({ ...this.camera, cx: this.camera.cx + dx * step, cy: this.camera.cy + dy * step });
      }
    } else if (e.key === '+' || e.key === '=') {
      this.emitCamera(zoomAt(this.camera, viewport, viewport.width / 2, viewport.height / 2, 1.25));
    } else if (e.key === '-') {
      this.emitCamera(zoomAt(this.camera, viewport, viewport.width / 2, viewport.height / 2, 0.8));
    } else if (e.key === '0') {
      this.emitCamera(DEFAULT_CAMERA);
    } else if (editing && (e.key === 'n' || e.key === 'N')) {
      const next = addComponent(spec, [this.camera.cx, this.camera.cy]);
      this.selected = next.means.length - 1;
      this.emitMixture(next);
    } else if (editing && (e.key === '[' || e.key === ']')) {
      const k = spec.means.length;
      this.selected = ((this.selected < 0 ? 0 : this.selected + (e.key === ']' ? 1 : -1)) + k) % k;
    } else if (editing && this.selected >= 0 && (e.key === 'PageUp' || e.key === 'PageDown')) {
      const factor = e.key === 'PageUp' ? 1.2 : 1 / 1.2;
      this.emitMixture(e.shiftKey ? scaleWeight(spec, this.selected, factor) : scaleStd(spec, this.selected, factor));
    } else if (editing && this.selected >= 0 && (e.key === 'Delete' || e.key === 'Backspace')) {
      this.emitMixture(removeComponent(spec, this.selected));
      this.selected = -1;
    } else {
      handled = false;
    }
    if (handled) e.preventDefault();
  }

  private emitCamera(camera: Camera): void {
    this.dispatchEvent(new CustomEvent('camera-change', { detail: camera, bubbles: true, composed: true }));
  }

  private emitMixture(spec: GmmSpec): void {
    this.dispatchEvent(new CustomEvent('mixture-change', { detail: spec, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'density-view': DensityView;
  }
}
