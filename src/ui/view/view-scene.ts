/**
 * One 2D view's GPU state and drawing: the target's log-density heatmap (recomputed only when the mixture, the
 * camera or the size changes), then trajectories, then layers of dots. Draws into any texture: a panel's canvas,
 * or an offscreen texture for PNG export.
 */
import { makeStructuredView } from 'webgpu-utils';
import type { GmmSpec } from '../../worlds/gmm';
import { worldToClip, type Camera, type Viewport } from './camera';
import { HEATMAP_RANGE, HEATMAP_STOPS, logDensityUpperBound, type Rgba } from './palette';
import { DensityGrid } from './density-grid';
import { VIEW_DEFS, type ViewPipelines } from './view-pipelines';

export interface DotLayer {
  /** count × 2 world coordinates. */
  positions: Float32Array;
  color: Rgba;
  radiusPx: number;
}

export interface PathLayer {
  /** x_0 … x_N, each count × 2. */
  records: Float32Array[];
  color: Rgba;
}

export interface SceneContent {
  spec: GmmSpec;
  camera: Camera;
  dots: DotLayer[];
  paths?: PathLayer;
}

/** At most this many paths are drawn (every stride-th particle); more is a grey smear, not information. */
const MAX_PATHS = 256;

const UNIFORM_USAGE = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
const STORAGE_USAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;

export class ViewScene {
  private readonly device: GPUDevice;
  private readonly buffers = new Map<string, GPUBuffer>();
  private readonly density: DensityGrid;
  private readonly uploaded = new Map<string, Float32Array | Float32Array[]>();

  constructor(private readonly pipelines: ViewPipelines) {
    this.device = pipelines.device;
    this.density = new DensityGrid(this.device);
  }

  /**
   * Draws `content` into the texture `target()` returns (of `viewport` size and `format`) and submits the work.
   * The target is asked for only after the pipelines are ready: a canvas's current texture expires at the next
   * frame, so it must not be held across an await.
   */
  async draw(
    target: () => GPUTexture,
    format: GPUTextureFormat,
    viewport: Viewport,
    content: SceneContent,
  ): Promise<void> {
    const [densityPipeline, heatmap, particles, trajectories] = await Promise.all([
      this.pipelines.logDensity(),
      this.pipelines.heatmap(format),
      this.pipelines.particles(format),
      this.pipelines.trajectories(format),
    ]);
    const encoder = this.device.createCommandEncoder({ label: 'view' });
    const density = this.density.update(encoder, densityPipeline, content.spec, content.camera, viewport);
    const pass = encoder.beginRenderPass({
      colorAttachments: [
        { view: target().createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } },
      ],
    });
    this.drawHeatmap(pass, heatmap, density, viewport, content.spec);
    if (content.paths && content.paths.records.length > 1)
      this.drawPaths(pass, trajectories, viewport, content.camera, content.paths);
    content.dots.forEach((layer, i) => this.drawDots(pass, particles, viewport, content, layer, i));
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
    this.uploaded.clear();
    this.density.destroy();
  }

  private drawHeatmap(
    pass: GPURenderPassEncoder,
    pipeline: GPURenderPipeline,
    density: GPUBuffer,
    viewport: Viewport,
    spec: GmmSpec,
  ): void {
    const params = makeStructuredView(VIEW_DEFS.heatmap.uniforms.params);
    params.set({ stops: HEATMAP_STOPS, width: viewport.width, top: logDensityUpperBound(spec), range: HEATMAP_RANGE });
    const paramBuffer = this.buffer('heatmap-params', params.arrayBuffer.byteLength, UNIFORM_USAGE);
    this.device.queue.writeBuffer(paramBuffer, 0, params.arrayBuffer);
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramBuffer } },
          { binding: 1, resource: { buffer: density, size: viewport.width * viewport.height * 4 } },
        ],
      }),
    );
    pass.draw(3);
  }

  private drawDots(
    pass: GPURenderPassEncoder,
    pipeline: GPURenderPipeline,
    viewport: Viewport,
    content: SceneContent,
    layer: DotLayer,
    index: number,
  ): void {
    const count = layer.positions.length / 2;
    if (count === 0) return;
    const positions = this.upload(`dots-${index}`, layer.positions);
    const [sx, sy] = worldToClip(content.camera, viewport);
    const params = makeStructuredView(VIEW_DEFS.particles.uniforms.view);
    params.set({
      color: layer.color,
      center: [content.camera.cx, content.camera.cy],
      world_to_clip: [sx, sy],
      radius_clip: [(2 * layer.radiusPx) / viewport.width, (2 * layer.radiusPx) / viewport.height],
    });
    const paramBuffer = this.buffer(`dots-params-${index}`, params.arrayBuffer.byteLength, UNIFORM_USAGE);
    this.device.queue.writeBuffer(paramBuffer, 0, params.arrayBuffer);
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramBuffer } },
          { binding: 1, resource: { buffer: positions, size: layer.positions.byteLength } },
        ],
      }),
    );
    pass.draw(6, count);
  }

  private drawPaths(
    pass: GPURenderPassEncoder,
    pipeline: GPURenderPipeline,
    viewport: Viewport,
    camera: Camera,
    paths: PathLayer,
  ): void {
    const records = paths.records.length;
    const count = paths.records[0].length / 2;
    if (count === 0) return;
    const stride = Math.ceil(count / MAX_PATHS);
    const drawn = Math.ceil(count / stride);
    const buffer = this.uploadRecords('paths', paths.records);
    const [sx, sy] = worldToClip(camera, viewport);
    const params = makeStructuredView(VIEW_DEFS.trajectories.uniforms.params);
    params.set({ color: paths.color, center: [camera.cx, camera.cy], world_to_clip: [sx, sy], count, records, stride });
    const paramBuffer = this.buffer('paths-params', params.arrayBuffer.byteLength, UNIFORM_USAGE);
    this.device.queue.writeBuffer(paramBuffer, 0, params.arrayBuffer);
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramBuffer } },
          { binding: 1, resource: { buffer, size: records * count * 8 } },
        ],
      }),
    );
    pass.draw(2 * (records - 1) * drawn);
  }

  /** A named buffer of at least `bytes`, replaced (not grown in place) when too small. */
  private buffer(name: string, bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const current = this.buffers.get(name);
    if (current && current.size >= size) return current;
    current?.destroy();
    this.uploaded.delete(name);
    const created = this.device.createBuffer({ label: `view ${name}`, size, usage });
    this.buffers.set(name, created);
    return created;
  }

  /** Uploads an array unless this very array is already on the GPU (results are immutable once delivered). */
  private upload(name: string, data: Float32Array): GPUBuffer {
    const buffer = this.buffer(name, data.byteLength, STORAGE_USAGE);
    if (this.uploaded.get(name) !== data) {
      this.device.queue.writeBuffer(buffer, 0, data as Float32Array<ArrayBuffer>);
      this.uploaded.set(name, data);
    }
    return buffer;
  }

  private uploadRecords(name: string, records: Float32Array[]): GPUBuffer {
    const bytes = records.reduce((a, r) => a + r.byteLength, 0);
    const buffer = this.buffer(name, bytes, STORAGE_USAGE);
    const previous = this.uploaded.get(name);
    if (!Array.isArray(previous) || previous.length !== records.length || previous.some((r, i) => r !== records[i])) {
      let offset = 0;
      for (const r of records) {
        this.device.queue.writeBuffer(buffer, offset, r as Float32Array<ArrayBuffer>);
        offset += r.byteLength;
      }
      this.uploaded.set(name, records.slice());
    }
    return buffer;
  }
}
