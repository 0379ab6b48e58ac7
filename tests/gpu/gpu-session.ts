/** Shared lifecycle for GPU test files: one page, and after all tests no uncaptured GPU error and no console error. */
import { afterAll, beforeAll, expect } from 'vitest';
import { gpuErrors, openPage } from '../browser/page';

export function useHarnessPage() {
  const holder = {} as { session: Awaited<ReturnType<typeof openPage>> };
  beforeAll(async () => {
    holder.session = await openPage();
  });
  afterAll(async () => {
    expect(await gpuErrors(holder.session.page)).toEqual([]);
    expect(holder.session.problems).toEqual([]);
    await holder.session.close();
  });
  return holder;
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** f32 unit roundoff. */
export const EPS32 = 2 ** -24;
