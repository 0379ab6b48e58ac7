import { WebGpuUnavailableError } from './errors';

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** The gpu object to use (tests pass one to simulate a browser without an adapter). */
  gpu?: GPU;
}

/** Limits the sandbox asks for: as much as the adapter offers for storage (large image batches), and enough
 *  storage bindings for combine.wgsl (one read-write destination plus six inputs). */
function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const l = adapter.limits;
  return {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
  };
}

/** Staged acquisition: each stage fails with its own human-readable reason. */
export async function acquireDevice(options: AcquireOptions = {}): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new WebGpuUnavailableError('no-webgpu');
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError('no-adapter');
  if (adapter.limits.maxStorageBuffersPerShaderStage < 8) {
    throw new WebGpuUnavailableError(
      'device-failed',
      'the adapter allows fewer than 8 storage buffers per shader stage',
    );
  }
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  try {
    const device = await adapter.requestDevice({ requiredLimits: requiredLimits(adapter), requiredFeatures });
    return { adapter, device };
  } catch (e) {
    throw new WebGpuUnavailableError('device-failed', e instanceof Error ? e.message : String(e));
  }
}
