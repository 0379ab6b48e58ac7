import { GpuError } from './errors';

const FILTERS: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** Runs `work` inside validation, out-of-memory and internal error scopes, so any GPU error becomes a rejected
 *  promise (with the first error's message) instead of a console line nobody reads. */
export async function withErrorScopes<T>(device: GPUDevice, work: () => T | Promise<T>): Promise<T> {
  for (const filter of FILTERS) device.pushErrorScope(filter);
  let result: T;
  try {
    result = await work();
  } finally {
    // Scopes pop in reverse order of pushing; every one must be popped even when work throws.
    const errors = await Promise.all([device.popErrorScope(), device.popErrorScope(), device.popErrorScope()]);
    const kinds = [...FILTERS].reverse();
    const index = errors.findIndex((e) => e !== null);
    // A GPU error is the cause of whatever `work` threw, so it deliberately replaces that error.
    // eslint-disable-next-line no-unsafe-finally
    if (index >= 0) throw new GpuError(errors[index]!.message, kinds[index] as GpuError['kind']);
  }
  return result;
}
