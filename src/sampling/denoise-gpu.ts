import { storageUsage } from '../gpu/buffer-pool';
import type { GpuResources } from '../gpu/context';
import { readBuffers } from '../gpu/readback';
import type { GpuDenoiser } from './denoiser';

/** One evaluation of D(x; σ) on the GPU, σ given per sample (the public `denoise`); labels per sample for
 *  class-conditional worlds (absent: the null class). */
export async function denoiseGpu(
  gpu: GpuResources,
  denoiser: GpuDenoiser,
  x: Float32Array,
  sigma: Float32Array,
  labels?: Uint32Array,
): Promise<Float32Array> {
  const { device, pool } = gpu;
  const count = sigma.length;
  const bytes = x.length * 4;
  const buffers = [
    pool.acquire(bytes, storageUsage(), 'denoise x'),
    pool.acquire(count * 4, storageUsage(), 'denoise sigma'),
    pool.acquire(bytes, storageUsage(), 'denoise out'),
  ];
  const [xBuf, sigmaBuf, outBuf] = buffers;
  const labelsBuf = labels ? pool.acquire(count * 4, storageUsage(), 'denoise labels') : null;
  if (labelsBuf) buffers.push(labelsBuf);
  try {
    device.queue.writeBuffer(xBuf, 0, x as Float32Array<ArrayBuffer>);
    device.queue.writeBuffer(sigmaBuf, 0, sigma as Float32Array<ArrayBuffer>);
    if (labelsBuf) device.queue.writeBuffer(labelsBuf, 0, labels as Uint32Array<ArrayBuffer>);
    const encoder = device.createCommandEncoder({ label: 'denoise' });
    const pass = encoder.beginComputePass();
    denoiser.encode(pass, {
      x: { buffer: xBuf, size: bytes },
      sigma: { buffer: sigmaBuf, size: count * 4 },
      out: { buffer: outBuf, size: bytes },
      count,
      ...(labelsBuf ? { labels: { buffer: labelsBuf, size: count * 4 } } : {}),
    });
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [out] = await readBuffers(device, pool, [{ buffer: outBuf, bytes }]);
    return out;
  } finally {
    for (const b of buffers) pool.release(b);
  }
}
