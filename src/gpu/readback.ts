import type { BufferPool } from './buffer-pool';

/** Copies GPU buffers to the CPU through one pooled staging buffer per call. */
export async function readBuffers(
  device: GPUDevice,
  pool: BufferPool,
  sources: Array<{ buffer: GPUBuffer; offset?: number; bytes: number }>,
): Promise<Float32Array[]> {
  const total = sources.reduce((acc, s) => acc + align4(s.bytes), 0);
  const staging = pool.acquire(total, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'readback');
  try {
    const encoder = device.createCommandEncoder({ label: 'readback' });
    let offset = 0;
    for (const s of sources) {
      encoder.copyBufferToBuffer(s.buffer, s.offset ?? 0, staging, offset, align4(s.bytes));
      offset += align4(s.bytes);
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange(0, total).slice(0));
    staging.unmap();
    offset = 0;
    return sources.map((s) => {
      const out = all.slice(offset / 4, (offset + s.bytes) / 4);
      offset += align4(s.bytes);
      return out;
    });
  } finally {
    if (staging.mapState === 'mapped') staging.unmap();
    pool.release(staging);
  }
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

export function align256(bytes: number): number {
  return Math.ceil(bytes / 256) * 256;
}
