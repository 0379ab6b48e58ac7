/** Getting worlds ready: image weights load once with progress, reflow levels are made in order and once, failures
 *  can be retried, and worlds that need nothing resolve at once. */
import { describe, expect, it } from 'vitest';
import type { ReflowOptions, ReflowResult } from '../../src/api/reflow';
import type { LoadProgress, WorldInfo } from '../../src/worlds/types';
import { WorldPreparer } from '../../src/ui/runs/world-preparer';

const world = (id: string, kind: '2d' | 'image' = '2d'): WorldInfo => ({
  id,
  label: id === 'fmnist' ? 'Fashion-MNIST' : `World ${id}`,
  kind,
  dim: kind === 'image' ? 784 : 2,
  description: '',
});

/** An engine whose loads (and, when `heldReflows`, reflows) finish when the test says so, recording what was asked
 *  and whether each reflow's signal was aborted. */
function fakeEngine(heldReflows = false) {
  const worlds: WorldInfo[] = [world('gmm:ring8'), world('fmnist', 'image')];
  const calls: string[] = [];
  const loads: Array<{ progress?: LoadProgress; finish: (error?: Error) => void }> = [];
  const reflows: Array<{ world: string; signal?: AbortSignal; finish: () => void }> = [];
  const engine = {
    get worlds() {
      return worlds;
    },
    loadWorld(id: string, progress?: LoadProgress) {
      calls.push(`load ${id}`);
      return new Promise<void>((resolve, reject) =>
        loads.push({ progress, finish: (error) => (error ? reject(error) : resolve()) }),
      );
    },
    loadClassifier(progress?: LoadProgress) {
      calls.push('load classifier');
      return new Promise<void>((resolve, reject) =>
        loads.push({ progress, finish: (error) => (error ? reject(error) : resolve()) }),
      );
    },
    async reflow(options: ReflowOptions): Promise<ReflowResult> {
      const parent = String(options.world);
      calls.push(`reflow ${parent}`);
      options.onProgress?.(0.5, 'pairs');
      if (heldReflows)
        await new Promise<void>((resolve, reject) => {
          reflows.push({ world: parent, signal: options.signal, finish: resolve });
          options.signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')));
        });
      const level = Number(/:(\d+)rf$/.exec(parent)?.[1] ?? 1) + 1;
      const id = `${parent.replace(/:\d+rf$/, '')}:${level}rf`;
      worlds.push(world(id));
      return {
        world: id,
        straightnessBefore: 2 / level,
        straightnessAfter: 0.01 / level,
        bandwidth: 0.03,
        pairs: 10_000,
      };
    },
  };
  return { engine, calls, loads, reflows };
}

describe('WorldPreparer', () => {
  it('2D presets and drawn mixtures need nothing; an unknown id is left for sample() to report', async () => {
    const { engine, calls } = fakeEngine();
    const preparer = new WorldPreparer(engine);
    await preparer.ready('gmm:ring8');
    await preparer.ready({ type: 'gmm', means: [[0, 0]], stds: [1], weights: [1] });
    await preparer.ready('gmm:nowhere:2rf');
    expect(calls).toEqual([]);
  });

  it('image weights load once for everyone waiting, with progress in MB; a failed load is retried', async () => {
    const { engine, calls, loads } = fakeEngine();
    const preparer = new WorldPreparer(engine);
    let changes = 0;
    preparer.addEventListener('change', () => changes++);
    const first = preparer.ready('fmnist');
    const second = preparer.ready('fmnist');
    expect(calls).toEqual(['load fmnist']);
    loads[0].progress!.onProgress!(2 ** 20, 4 * 2 ** 20);
    expect(preparer.current).toEqual([{ label: 'Loading Fashion-MNIST weights: 1.0 of 4.0 MB', fraction: 0.25 }]);
    loads[0].finish(new Error('offline'));
    await expect(first).rejects.toThrow('offline');
    await expect(second).rejects.toThrow('offline');
    expect(preparer.current).toEqual([]);
    const retry = preparer.ready('fmnist');
    expect(calls).toEqual(['load fmnist', 'load fmnist']);
    loads[1].finish();
    await retry;
    expect(changes).toBeGreaterThanOrEqual(4);
  });

  it("the classifier loads once, with its progress beside the worlds' (the same display)", async () => {
    const { engine, calls, loads } = fakeEngine();
    const preparer = new WorldPreparer(engine);
    const first = preparer.classifier('fmnist');
    const second = preparer.classifier('fmnist');
    expect(calls).toEqual(['load classifier']);
    loads[0].progress!.onProgress!(3 * 2 ** 20, 6.5 * 2 ** 20);
    expect(preparer.current).toEqual([
      { label: 'Loading the Fashion-MNIST classifier weights: 3.0 of 6.5 MB', fraction: 3 / 6.5 },
    ]);
    loads[0].finish();
    await Promise.all([first, second]);
    expect(preparer.current).toEqual([]);
    await preparer.classifier('fmnist');
    expect(calls).toEqual(['load classifier']);
  });

  it('a link naming 3-RF makes 2-RF first, then 3-RF, each once; the Reflow button reuses what exists', async () => {
    const { engine, calls } = fakeEngine();
    const preparer = new WorldPreparer(engine);
    await Promise.all([preparer.ready('gmm:ring8:3rf'), preparer.ready('gmm:ring8:2rf')]);
    expect(calls).toEqual(['reflow gmm:ring8', 'reflow gmm:ring8:2rf']);
    expect(preparer.reflows.get('gmm:ring8:3rf')).toMatchObject({ straightnessBefore: 2 / 3 });
    expect(await preparer.reflowNext('gmm:ring8')).toBe('gmm:ring8:2rf');
    expect(await preparer.reflowNext('gmm:ring8:3rf')).toBe('gmm:ring8:4rf');
    expect(calls).toEqual(['reflow gmm:ring8', 'reflow gmm:ring8:2rf', 'reflow gmm:ring8:3rf']);
  });

  it('a reflow whose panels all stopped is stopped, and made again when next asked for; the made parent stays', async () => {
    const { engine, calls, reflows } = fakeEngine(true);
    const preparer = new WorldPreparer(engine);
    const panel = new AbortController();
    const waiting = preparer.ready('gmm:ring8:3rf', panel.signal);
    await settle();
    reflows[0].finish();
    await settle();
    expect(calls).toEqual(['reflow gmm:ring8', 'reflow gmm:ring8:2rf']);
    panel.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(reflows[1].signal?.aborted).toBe(true);
    expect(preparer.current).toEqual([]);
    const again = preparer.ready('gmm:ring8:3rf');
    await settle();
    expect(calls).toEqual(['reflow gmm:ring8', 'reflow gmm:ring8:2rf', 'reflow gmm:ring8:2rf']);
    reflows[2].finish();
    await again;
    expect(engine.worlds.map((w) => w.id)).toContain('gmm:ring8:3rf');
  });

  it('one panel of two stopping, or a panel asking again in the same turn, leaves the reflow running', async () => {
    const { engine, calls, reflows } = fakeEngine(true);
    const preparer = new WorldPreparer(engine);
    const [a, b] = [new AbortController(), new AbortController()];
    const first = preparer.ready('gmm:ring8:2rf', a.signal);
    const second = preparer.ready('gmm:ring8:2rf', b.signal);
    a.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    // A changed request: the panel's task aborts its last run and asks again at once.
    b.abort();
    const next = preparer.ready('gmm:ring8:2rf', new AbortController().signal);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(reflows[0].signal?.aborted).toBe(false);
    reflows[0].finish();
    await next;
    expect(calls).toEqual(['reflow gmm:ring8']);
  });

  it('the Reflow button can be stopped; weights keep loading when their only panel stops waiting', async () => {
    const { engine, calls, loads, reflows } = fakeEngine(true);
    const preparer = new WorldPreparer(engine);
    const button = new AbortController();
    const made = preparer.reflowNext('gmm:ring8', button.signal);
    await settle();
    button.abort();
    await expect(made).rejects.toMatchObject({ name: 'AbortError' });
    await settle();
    expect(reflows[0].signal?.aborted).toBe(true);
    const panel = new AbortController();
    const loading = preparer.ready('fmnist', panel.signal);
    panel.abort();
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    const later = preparer.ready('fmnist');
    loads[0].finish();
    await later;
    expect(calls).toEqual(['reflow gmm:ring8', 'load fmnist']);
  });
});

/** Lets pending promise callbacks (and deferred aborts) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
