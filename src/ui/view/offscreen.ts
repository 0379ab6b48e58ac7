/** Renders a 2D view into an offscreen RGBA texture and reads it back: the pixels of a panel PNG or a grid cell. */
import type { Viewport } from './camera';
import { ViewScene, type SceneContent } from './view-scene';
import type { ViewPipelines } from './view-pipelines';

export interface RgbaImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** One reusable target of a fixed size; cells of a grid share it (and its density grid, when the world and camera
 *  are the same, so the heatmap is computed once for the whole grid). */
export class OffscreenView {
  private readonly scene: ViewScene;
  private readonly texture: GPUTexture;
  private readonly staging: GPUBuffer;
  private readonly bytesPerRow: number;

  constructor(
    private readonly pipelines: ViewPipelines,
    readonly viewport: Viewport,
  ) {
    const { device } = pipelines;
    this.scene = new ViewScene(pipelines);
    this.texture = device.createTexture({
      label: 'offscreen view',
      size: [viewport.width, viewport.height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    // copyTextureToBuffer needs rows aligned to 256 bytes.
    this.bytesPerRow = Math.ceil((viewport.width * 4) / 256) * 256;
    this.staging = device.createBuffer({
      label: 'offscreen readback',
      size: this.bytesPerRow * viewport.height,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  async render(content: SceneContent): Promise<RgbaImage> {
    const { device } = this.pipelines;
    const { width, height } = this.viewport;
    await this.scene.draw(() => this.texture, 'rgba8unorm', this.viewport, content);
    const encoder = device.createCommandEncoder({ label: 'offscreen readback' });
    encoder.copyTextureToBuffer({ texture: this.texture }, { buffer: this.staging, bytesPerRow: this.bytesPerRow }, [
      width,
      height,
    ]);
    device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ);
    const rows = new Uint8Array(this.staging.getMappedRange());
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++)
      data.set(rows.subarray(y * this.bytesPerRow, y * this.bytesPerRow + width * 4), y * width * 4);
    this.staging.unmap();
    return { data, width, height };
  }

  destroy(): void {
    this.scene.destroy();
    this.texture.destroy();
    this.staging.destroy();
  }
}
