import { readBuffers } from './readback';
import type { GpuResources } from './context';

/** WebGPU caps a query set at 4096 entries; longer runs fall back to wall time. */
const MAX_TIMED_PASSES = 2048;
/** resolveQuerySet's destination offset must be a multiple of 256 bytes: one slot per pass. */
const SLOT = 256;

/**
 * GPU time of a run's compute passes: timestamp queries (beginning and end of each pass) resolved into one buffer
 * and read back once at the end, or, on adapters without 'timestamp-query', wall time around
 * onSubmittedWorkDone summed per submission.
 */
export class PassTimer {
  private readonly querySet: GPUQuerySet | null;
  private readonly resolve: GPUBuffer | null;
  private wallMs = 0;

  constructor(
    private readonly gpu: GpuResources,
    private readonly passes: number,
  ) {
    const timed = gpu.timestamps && passes <= MAX_TIMED_PASSES;
    this.querySet = timed ? gpu.device.createQuerySet({ type: 'timestamp', count: 2 * passes }) : null;
    this.resolve = timed
      ? gpu.pool.acquire(SLOT * passes, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, 'timestamps')
      : null;
  }

  /** The descriptor for pass `index`. */
  descriptor(index: number): GPUComputePassDescriptor {
    return this.querySet
      ? {
          timestampWrites: {
            querySet: this.querySet,
            beginningOfPassWriteIndex: 2 * index,
            endOfPassWriteIndex: 2 * index + 1,
          },
        }
      : {};
  }

  /** Records the resolve of pass `index` after it ends. */
  afterPass(encoder: GPUCommandEncoder, index: number): void {
    if (this.querySet && this.resolve) encoder.resolveQuerySet(this.querySet, 2 * index, 2, this.resolve, SLOT * index);
  }

  /** Without timestamps: the wall time from submission to completion of one submission. */
  addWallTime(ms: number): void {
    this.wallMs += ms;
  }

  async totalMs(): Promise<number> {
    if (!this.querySet || !this.resolve) return this.wallMs;
    const [stamps] = await readBuffers(this.gpu.device, this.gpu.pool, [
      { buffer: this.resolve, bytes: SLOT * this.passes },
    ]);
    const ticks = new BigUint64Array(stamps.buffer, stamps.byteOffset, (SLOT / 8) * this.passes);
    let ns = 0n;
    for (let i = 0; i < this.passes; i++) ns += ticks[(SLOT / 8) * i + 1] - ticks[(SLOT / 8) * i];
    return Number(ns) / 1e6;
  }

  dispose(): void {
    this.querySet?.destroy();
    if (this.resolve) this.gpu.pool.release(this.resolve);
  }
}
