/** Lifecycle for the nn GPU test files: one page on tests/gpu/nn-harness.html, and after all tests no uncaptured
 *  GPU error and no console error. */
import { afterAll, beforeAll, expect } from 'vitest';
import { gpuErrors, openPage } from '../browser/page';

export function useNnPage() {
  const holder = {} as { session: Awaited<ReturnType<typeof openPage>> };
  beforeAll(async () => {
    holder.session = await openPage('/tests/gpu/nn-harness.html');
  });
  afterAll(async () => {
    expect(await gpuErrors(holder.session.page)).toEqual([]);
    expect(holder.session.problems).toEqual([]);
    await holder.session.close();
  });
  return holder;
}
