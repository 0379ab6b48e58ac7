/** Test-only page for the 2D view's shaders: runs them on a real device and hands the pixels or values back to
 *  puppeteer. Not part of the built app. */
import { createSandbox } from '../../src/index';
import type { Camera, Viewport } from '../../src/ui/view/camera';
import { DensityGrid } from '../../src/ui/view/density-grid';
import { OffscreenView } from '../../src/ui/view/offscreen';
import type { SceneContent } from '../../src/ui/view/view-scene';
import { ViewPipelines } from '../../src/ui/view/view-pipelines';
import { withErrorScopes } from '../../src/gpu/error-scope';
import type { GmmSpec } from '../../src/worlds/gmm';

const gpuErrors: string[] = [];
const sandbox = createSandbox().then((s) => {
  s.gpu.addEventListener('gpuerror', (e) => gpuErrors.push(String((e as CustomEvent).detail)));
  return s;
});

async function pipelines(): Promise<ViewPipelines> {
  return new ViewPipelines((await sandbox).gpu.resources.device);
}

const harness = {
  gpuErrors,
  /** log p on the view's pixel grid, read back. */
  async logDensity(spec: GmmSpec, camera: Camera, viewport: Viewport): Promise<number[]> {
    const p = await pipelines();
    const { device } = p;
    return withErrorScopes(device, async () => {
      const grid = new DensityGrid(device);
      const encoder = device.createCommandEncoder();
      const output = grid.update(encoder, await p.logDensity(), spec, camera, viewport);
      const bytes = viewport.width * viewport.height * 4;
      const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      encoder.copyBufferToBuffer(output, 0, staging, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const values = Array.from(new Float32Array(staging.getMappedRange()));
      staging.destroy();
      grid.destroy();
      return values;
    });
  },
  /** A scene rendered offscreen, as RGBA bytes. Positions arrive as plain arrays (page.evaluate serialises). */
  async render(
    viewport: Viewport,
    content: Omit<SceneContent, 'dots' | 'paths'> & {
      dots: Array<{ positions: number[]; color: [number, number, number, number]; radiusPx: number }>;
      paths?: { records: number[][]; color: [number, number, number, number] };
    },
  ): Promise<number[]> {
    const p = await pipelines();
    return withErrorScopes(p.device, async () => {
      const view = new OffscreenView(p, viewport);
      const image = await view.render({
        ...content,
        dots: content.dots.map((d) => ({ ...d, positions: new Float32Array(d.positions) })),
        paths: content.paths && { ...content.paths, records: content.paths.records.map((r) => new Float32Array(r)) },
      });
      view.destroy();
      return Array.from(image.data);
    });
  },
};
(window as unknown as { harness: typeof harness }).harness = harness;
sandbox.then(() => (document.title = 'ready'));
