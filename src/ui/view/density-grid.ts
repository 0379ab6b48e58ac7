/**
 * The target's exact log-density on the view's pixel grid (shaders/view/log-density.wgsl), kept on the GPU for
 * the heatmap. Recomputed only when the mixture, the camera or the viewport changes, so redrawing new samples
 * over an unchanged view costs no density work.
 */
import { getSizeAndAlignmentOfUnsizedArrayElement, makeStructuredView } from 'webgpu-utils';
import { logWeights, type GmmSpec } from '../../worlds/gmm';
import { unitsPerPixel, type Camera, type Viewport } from './camera';
import { VIEW_DEFS } from './view-pipelines';

/** Packs mixture components with the layout webgpu-utils reads from log-density.wgsl (never by hand). */
function packViewComponents(spec: GmmSpec): ArrayBuffer {
  const def = VIEW_DEFS.logDensity.storages.components;
  const { size } = getSizeAndAlignmentOfUnsizedArrayElement(def);
  const view = makeStructuredView(def, new ArrayBuffer(size * spec.means.length));
  const logW = logWeights(spec);
  view.set(spec.means.map((mean, k) => ({ mean, stdev: spec.stds[k], log_weight: logW[k] })));
  return view.arrayBuffer;
}

/** World point of the centre of pixel (i, j): the grid the kernel evaluates, for references and tests. */
export function pixelCenters(camera: Camera, viewport: Viewport): Float64Array {
  const u = unitsPerPixel(camera, viewport);
  const out = new Float64Array(2 * viewport.width * viewport.height);
  for (let j = 0; j < viewport.height; j++) {
    for (let i = 0; i < viewport.width; i++) {
      out[2 * (j * viewport.width + i)] = camera.cx + (i + 0.5 - viewport.width / 2) * u;
      out[2 * (j * viewport.width + i) + 1] = camera.cy - (j + 0.5 - viewport.height / 2) * u;
    }
  }
  return out;
}

export class DensityGrid {
  private output: GPUBuffer | null = null;
  private components: GPUBuffer | null = null;
  private params: GPUBuffer | null = null;
  private holds: { key: string; spec: GmmSpec } | null = null;

  constructor(private readonly device: GPUDevice) {}

  /** Encodes the recomputation if needed; returns the buffer (width × height f32, row-major from the top-left). */
  update(
    encoder: GPUCommandEncoder,
    pipeline: GPUComputePipeline,
    spec: GmmSpec,
    camera: Camera,
    viewport: Viewport,
  ): GPUBuffer {
    const key = JSON.stringify([camera, viewport.width, viewport.height]);
    const bytes = viewport.width * viewport.height * 4;
    if (this.output && this.holds && this.holds.key === key && this.holds.spec === spec) return this.output;
    if (!this.output || this.output.size < bytes) {
      this.output?.destroy();
      this.output = this.device.createBuffer({
        label: 'log-density grid',
        size: bytes,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
      });
    }
    const packed = packViewComponents(spec);
    if (!this.components || this.components.size < packed.byteLength) {
      this.components?.destroy();
      this.components = this.device.createBuffer({
        label: 'view components',
        size: packed.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
    }
    this.device.queue.writeBuffer(this.components, 0, packed);
    const u = unitsPerPixel(camera, viewport);
    const params = makeStructuredView(VIEW_DEFS.logDensity.uniforms.params);
    params.set({
      origin: [camera.cx - (viewport.width / 2) * u, camera.cy + (viewport.height / 2) * u],
      texel: [u, -u],
      width: viewport.width,
      height: viewport.height,
    });
    this.params ??= this.device.createBuffer({
      label: 'log-density params',
      size: params.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(this.params, 0, params.arrayBuffer);

    const pass = encoder.beginComputePass({ label: 'log-density' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.params } },
          { binding: 1, resource: { buffer: this.components, size: packed.byteLength } },
          { binding: 2, resource: { buffer: this.output, size: bytes } },
        ],
      }),
    );
    pass.dispatchWorkgroups(Math.ceil(viewport.width / 8), Math.ceil(viewport.height / 8));
    pass.end();
    this.holds = { key, spec };
    return this.output;
  }

  destroy(): void {
    for (const b of [this.output, this.components, this.params]) b?.destroy();
    this.output = this.components = this.params = null;
    this.holds = null;
  }
}
