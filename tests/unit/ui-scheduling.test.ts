/** When the page acts on changes: once per frame, or after a short wait when a busy GPU holds frames back; and image
 *  runs taking turns on the GPU, in order, a cancelled turn given up. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextFrame } from '../../src/ui/next-frame';
import { RunLane } from '../../src/ui/runs/run-lane';

describe('nextFrame', () => {
  let frames: Array<() => void>;
  beforeEach(() => {
    vi.useFakeTimers();
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', (id: number) => (frames[id - 1] = () => {}));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs once at the next frame, or after 100 ms when no frame comes; cancelling stops it', () => {
    const calls: string[] = [];
    nextFrame(() => calls.push('frame'));
    frames[0]();
    vi.advanceTimersByTime(200);
    expect(calls).toEqual(['frame']);

    nextFrame(() => calls.push('late'));
    vi.advanceTimersByTime(99);
    expect(calls).toEqual(['frame']);
    vi.advanceTimersByTime(1);
    frames[1]();
    expect(calls).toEqual(['frame', 'late']);

    const cancel = nextFrame(() => calls.push('cancelled'));
    cancel();
    frames[2]();
    vi.advanceTimersByTime(200);
    expect(calls).toEqual(['frame', 'late']);
  });
});

describe('RunLane', () => {
  it('one run at a time, in order of arrival; a waiting run that is aborted gives up its turn', async () => {
    const lane = new RunLane();
    const order: string[] = [];
    const turn = async (name: string, signal: AbortSignal) => {
      const release = await lane.enter(signal);
      order.push(`${name} in`);
      return () => {
        order.push(`${name} out`);
        release();
      };
    };
    const aborted = new AbortController();
    const first = await turn('a', new AbortController().signal);
    const second = turn('b', aborted.signal);
    const third = turn('c', new AbortController().signal);
    aborted.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(order).toEqual(['a in']);
    first();
    (await third)();
    expect(order).toEqual(['a in', 'a out', 'c in', 'c out']);
    // Released twice is released once; the lane is free again.
    first();
    (await turn('d', new AbortController().signal))();
    expect(order.slice(-2)).toEqual(['d in', 'd out']);
    await expect(lane.enter(aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
