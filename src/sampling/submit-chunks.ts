import type { GpuResources } from '../gpu/context';
import { CancelledError } from '../gpu/errors';
import { PassTimer } from '../gpu/pass-timer';

/** The default cap on count × costPerSample × evaluations per submission (GpuRunRequest.maxWorkPerSubmit). */
export const DEFAULT_MAX_WORK = 1 << 22;

/** One submission: its dispatches, recorded into one compute pass, and the evaluations they make (for progress). */
export interface Chunk {
  encode: (pass: GPUComputePassEncoder) => void;
  evals: number;
}

/** Submits the chunks one at a time, awaiting each so a cancel lands between them and the page never queues more
 *  than one short submission ahead. Returns the GPU time. */
export async function submitChunks(
  gpu: GpuResources,
  chunks: Chunk[],
  request: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<number> {
  const { device } = gpu;
  const totalEvals = Math.max(
    1,
    chunks.reduce((a, c) => a + c.evals, 0),
  );
  const timer = new PassTimer(gpu, chunks.length);
  let done = 0;
  try {
    for (const [index, chunk] of chunks.entries()) {
      if (request.signal?.aborted) throw new CancelledError();
      const encoder = device.createCommandEncoder({ label: 'sampler chunk' });
      const pass = encoder.beginComputePass(timer.descriptor(index));
      chunk.encode(pass);
      pass.end();
      timer.afterPass(encoder, index);
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      timer.addWallTime(performance.now() - start);
      done += chunk.evals;
      request.onProgress?.(done / totalEvals);
    }
    return await timer.totalMs();
  } finally {
    timer.dispose();
  }
}
