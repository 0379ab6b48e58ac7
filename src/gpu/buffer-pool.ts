/** Reuses storage buffers across runs, so a sampler step never allocates: a run takes buffers at its start and
 *  gives them back when the GPU is done with them. Sizes round up to a power of two to keep the free lists short. */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly owned = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  acquire(bytes: number, usage: GPUBufferUsageFlags, label = 'pooled'): GPUBuffer {
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1))));
    const key = `${size}:${usage}`;
    const buffer = this.free.get(key)?.pop();
    if (buffer) return buffer;
    const created = this.device.createBuffer({ label, size, usage });
    this.owned.add(created);
    return created;
  }

  release(buffer: GPUBuffer): void {
    const key = `${buffer.size}:${buffer.usage}`;
    const list = this.free.get(key) ?? [];
    list.push(buffer);
    this.free.set(key, list);
  }

  /** Buffers ever created; a benchmark or test can assert this stays flat across runs. */
  get allocatedCount(): number {
    return this.owned.size;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned.clear();
    this.free.clear();
  }
}

/** Usage of every register-like buffer: bound as storage, filled by writeBuffer, read back by copy. */
export function storageUsage(): GPUBufferUsageFlags {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}
