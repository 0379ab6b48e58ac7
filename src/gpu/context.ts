import { BufferPool } from './buffer-pool';
import { acquireDevice, type AcquireOptions } from './device';
import { DeviceLostError } from './errors';
import { PipelineCache } from './pipeline-cache';

/** Everything tied to one GPUDevice. A lost device takes all of it with it; recovery builds a fresh set. */
export interface GpuResources {
  device: GPUDevice;
  adapter: GPUAdapter;
  pipelines: PipelineCache;
  pool: BufferPool;
  /** Increments on every recovery, so device-bound caches elsewhere know to rebuild. */
  generation: number;
  /** Resolves when this device is lost. */
  lost: Promise<GPUDeviceLostInfo>;
  timestamps: boolean;
}

const MAX_ATTEMPTS = 3;

/**
 * Owns the device and recovers from `device.lost`: a fresh adapter and device, fresh pipelines and buffers. `run`
 * retries a request that was interrupted by a loss, so the caller still gets its (deterministic) answer.
 * Dispatches 'lost' and 'restored' events for the page's notice.
 */
export class GpuContext extends EventTarget {
  private current!: GpuResources;
  private recovering: Promise<void> | null = null;
  private disposed = false;

  private constructor(private readonly options: AcquireOptions) {
    super();
  }

  static async create(options: AcquireOptions = {}): Promise<GpuContext> {
    const context = new GpuContext(options);
    await context.connect(0);
    return context;
  }

  get resources(): GpuResources {
    return this.current;
  }

  private async connect(generation: number): Promise<void> {
    const { adapter, device } = await acquireDevice(this.options);
    const resources: GpuResources = {
      device,
      adapter,
      pipelines: new PipelineCache(device),
      pool: new BufferPool(device),
      generation,
      lost: device.lost,
      timestamps: device.features.has('timestamp-query'),
    };
    this.current = resources;
    // Errors outside any scope (there should be none) still reach the page's banner and fail the GPU tests.
    device.addEventListener('uncapturederror', (event) => {
      this.dispatchEvent(new CustomEvent('gpuerror', { detail: (event as GPUUncapturedErrorEvent).error.message }));
    });
    device.lost.then((info) => {
      if (this.disposed || this.current !== resources) return;
      this.dispatchEvent(new CustomEvent('lost', { detail: info.message || info.reason }));
      this.recovering = this.connect(generation + 1).then(
        () => {
          this.recovering = null;
          this.dispatchEvent(new Event('restored'));
        },
        (e) => {
          this.recovering = null;
          this.dispatchEvent(new CustomEvent('failed', { detail: e }));
          throw e;
        },
      );
    });
  }

  /** Waits out any recovery in progress, then hands out the live resources. */
  async ready(): Promise<GpuResources> {
    while (this.recovering) await this.recovering;
    return this.current;
  }

  /** Runs a GPU task; when the device is lost underneath it, waits for recovery and runs it again. */
  async run<T>(task: (gpu: GpuResources) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const gpu = await this.ready();
      try {
        return await raceLoss(gpu, task(gpu));
      } catch (e) {
        const lost = e instanceof DeviceLostError || gpu !== this.current || (await isLost(gpu));
        if (!lost || attempt >= MAX_ATTEMPTS || this.disposed) throw e;
        // Let the lost handler start recovery before we wait for it.
        await gpu.lost;
        await new Promise((r) => setTimeout(r, 0));
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.current.pool.destroy();
    this.current.device.destroy();
  }
}

async function isLost(gpu: GpuResources): Promise<boolean> {
  return Promise.race([gpu.lost.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 0))]);
}

/** A task on a lost device may never settle (mapAsync can hang); losing the device rejects it. */
function raceLoss<T>(gpu: GpuResources, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    gpu.lost.then((info) => Promise.reject(new DeviceLostError(`GPU device lost: ${info.message || info.reason}`))),
  ]);
}
