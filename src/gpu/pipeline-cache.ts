import { GpuError } from './errors';

/** Compute pipelines, compiled once per device and WGSL source. A compilation failure rejects with the WGSL
 *  compiler's own messages (line:column), not a generic "invalid pipeline". */
export class PipelineCache {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice) {}

  get(label: string, code: string, entryPoint = 'main'): Promise<GPUComputePipeline> {
    const key = `${label}\u0000${entryPoint}\u0000${code}`;
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.compile(label, code, entryPoint);
      pipeline.catch(() => this.pipelines.delete(key));
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  private async compile(label: string, code: string, entryPoint: string): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ label, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const text = errors.map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
      throw new GpuError(`WGSL compilation failed\n${text}`, 'compilation');
    }
    try {
      return await this.device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint } });
    } catch (e) {
      throw new GpuError(`Pipeline ${label} failed: ${e instanceof Error ? e.message : String(e)}`, 'validation');
    }
  }
}
