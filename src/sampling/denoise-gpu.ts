import { storageUsage } from '../gpu/buffer-pool';
import type { GpuResources } from '../gpu/context';
import { readBuffers } from '../gpu/readback';
import type { GpuDenoiser } from '../worlds/types';

/** One evaluation of D(x; σ) on the GPU, σ given per sample (the public `denoise`). */
export async function denoiseGpu(gpu: GpuResources, denoiser: GpuDenoiser, x: Float32Array, sigma: Float32Array): Promise<Float32Array> {
  const { device, pool } = gpu;
  const count = sigma.length;
  const bytes = x.length * 4;
  const buffers = [pool.acquire(bytes, storageUsage(), 'denoise x'), pool.acquire(count * 4, storageUsage(), 'denoise sigma'), pool.acquire(bytes, storageUsage(), 'denoise out')];
  const [xBuf, sigmaBuf, outBuf] = buffers;
  try {
    device.queue.writeBuffer(xBuf, 0, x as Float32Array<ArrayBuffer>);
    device.queue.writeBuffer(sigmaBuf, 0, sigma as Float32Array<ArrayBuffer>);
    const encoder = device.createCommandEncoder({ label: 'denoise' });
    const pass = encoder.beginComputePass();
    denoiser.encode(pass, { x: { buffer: xBuf, size: bytes }, sigma: { buffer: sigmaBuf, size: count * 4 }, out: { buffer: outBuf, size: bytes }, count });
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [out] = await readBuffers(device, pool, [{ buffer: outBuf, bytes }]);
    return out;
  } finally {
    for (const b of buffers) pool.release(b);
  }
}
