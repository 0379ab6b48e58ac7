/** The harness pages' one GPU context (made on first use), and the uncaptured GPU errors it reported, which the
 *  test files check after all tests (tests/browser/page.ts gpuErrors). */
import { GpuContext } from '../../src/gpu/context';

export const gpuErrors: string[] = [];
let context: GpuContext | null = null;

export async function gpu() {
  if (!context) {
    context = await GpuContext.create();
    context.addEventListener('gpuerror', (e) => gpuErrors.push(String((e as CustomEvent).detail)));
  }
  return context.resources;
}
