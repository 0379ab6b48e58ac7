/** Lifecycle for the nn and AMED GPU test files: one page on a harness (tests/gpu/nn-harness.html by default), and
 *  after all tests no uncaptured GPU error and no console error. */
import { afterAll, beforeAll, expect } from 'vitest';
import { gpuErrors, openPage } from '../browser/page';

export function useNnPage(harness = '/tests/gpu/nn-harness.html') {
  const holder = {} as { session: Awaited<ReturnType<typeof openPage>> };
  beforeAll(async () => {
    holder.session = await openPage(harness);
  });
  afterAll(async () => {
    expect(await gpuErrors(holder.session.page)).toEqual([]);
    expect(holder.session.problems).toEqual([]);
    await holder.session.close();
  });
  return holder;
}

/** Runs `fn(sandbox, arg)` in the nn page, against one sandbox per page (made on first use). `fn` travels as source
 *  text, so it may only use its arguments. */
export function sandboxEvaluator(holder: ReturnType<typeof useNnPage>) {
  return <T>(fn: (sandbox: any, arg: any) => Promise<T>, arg?: unknown): Promise<T> =>
    holder.session.page.evaluate(
      async (source, arg) => {
        const w = window as any;
        w.sandboxForTests ??= await w.harness.createSandbox();
        return new Function('sandbox', 'arg', `return (${source})(sandbox, arg)`)(w.sandboxForTests, arg);
      },
      fn.toString(),
      arg,
    ) as Promise<T>;
}
