/**
 * Pipelines of the 2D view, compiled once per device (and per colour format for the render ones). A WGSL
 * compilation failure rejects with the compiler's line:column messages, like the engine's PipelineCache.
 */
import { makeShaderDataDefinitions } from 'webgpu-utils';
import heatmapCode from '../../../shaders/view/heatmap.wgsl?raw';
import logDensityCode from '../../../shaders/view/log-density.wgsl?raw';
import particlesCode from '../../../shaders/view/particles.wgsl?raw';
import trajectoriesCode from '../../../shaders/view/trajectories.wgsl?raw';
import { GpuError } from '../../gpu/errors';

export const VIEW_SHADERS = {
  logDensity: logDensityCode,
  heatmap: heatmapCode,
  particles: particlesCode,
  trajectories: trajectoriesCode,
} as const;

export const VIEW_DEFS = {
  logDensity: makeShaderDataDefinitions(logDensityCode),
  heatmap: makeShaderDataDefinitions(heatmapCode),
  particles: makeShaderDataDefinitions(particlesCode),
  trajectories: makeShaderDataDefinitions(trajectoriesCode),
};

/** Straight alpha over an opaque background; the destination alpha stays 1, so exported pixels are opaque. */
const ALPHA_BLEND: GPUBlendState = {
  color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
  alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
};

export class ViewPipelines {
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();
  private readonly pipelines = new Map<string, Promise<GPURenderPipeline | GPUComputePipeline>>();

  constructor(readonly device: GPUDevice) {}

  logDensity(): Promise<GPUComputePipeline> {
    return this.cached('log-density', async () =>
      this.device.createComputePipelineAsync({
        label: 'log-density',
        layout: 'auto',
        compute: { module: await this.module('logDensity'), entryPoint: 'main' },
      }),
    ) as Promise<GPUComputePipeline>;
  }

  heatmap(format: GPUTextureFormat): Promise<GPURenderPipeline> {
    return this.render('heatmap', format, 'triangle-list', undefined);
  }

  particles(format: GPUTextureFormat): Promise<GPURenderPipeline> {
    return this.render('particles', format, 'triangle-list', ALPHA_BLEND);
  }

  trajectories(format: GPUTextureFormat): Promise<GPURenderPipeline> {
    return this.render('trajectories', format, 'line-list', ALPHA_BLEND);
  }

  private render(
    name: keyof typeof VIEW_SHADERS,
    format: GPUTextureFormat,
    topology: GPUPrimitiveTopology,
    blend: GPUBlendState | undefined,
  ): Promise<GPURenderPipeline> {
    return this.cached(`${name}:${format}`, async () => {
      const module = await this.module(name);
      return this.device.createRenderPipelineAsync({
        label: name,
        layout: 'auto',
        vertex: { module, entryPoint: 'vertex_main' },
        fragment: { module, entryPoint: 'fragment_main', targets: [{ format, blend }] },
        primitive: { topology },
      });
    }) as Promise<GPURenderPipeline>;
  }

  private cached<T extends GPURenderPipeline | GPUComputePipeline>(key: string, create: () => Promise<T>): Promise<T> {
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = create().catch((e: unknown) => {
        this.pipelines.delete(key);
        throw e instanceof GpuError
          ? e
          : new GpuError(`Pipeline ${key} failed: ${e instanceof Error ? e.message : String(e)}`, 'validation');
      });
      this.pipelines.set(key, pipeline);
    }
    return pipeline as Promise<T>;
  }

  private module(name: keyof typeof VIEW_SHADERS): Promise<GPUShaderModule> {
    let module = this.modules.get(name);
    if (!module) {
      module = (async () => {
        const compiled = this.device.createShaderModule({ label: name, code: VIEW_SHADERS[name] });
        const errors = (await compiled.getCompilationInfo()).messages.filter((m) => m.type === 'error');
        if (errors.length > 0) {
          throw new GpuError(
            `WGSL compilation failed\n${errors.map((m) => `${name}:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n')}`,
            'compilation',
          );
        }
        return compiled;
      })();
      module.catch(() => this.modules.delete(name));
      this.modules.set(name, module);
    }
    return module;
  }
}
