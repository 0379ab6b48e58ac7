/** A long AMED calibration is seen to move and can be stopped from its first forward solve: progress and the stop
 *  check cover the teacher solve too, which at 1,000 steps is 16,000 solves before the first (r, c) search. Its
 *  search asks for every candidate it can at once, so a GPU spends a dispatch per round, not per candidate. */
import { describe, expect, it } from 'vitest';
import { calibrateAmed, type DenoiseBatch } from '../../src/sampling/amed/calibrate';
import { timeUniform, DEFAULT_SCHEDULE_OPTIONS } from '../../src/sampling/schedules';
import { forwardSolves } from '../reference/forward-solves';

/** D(x; σ) of a standard normal target, counting its evaluations and the calls of the batched form. */
function gaussian() {
  const calls = { evaluations: 0, batchCalls: [] as number[] };
  const one = async (x: Float64Array, sigma: number) => {
    calls.evaluations++;
    return x.map((v) => v / (1 + sigma * sigma));
  };
  const { solve } = forwardSolves(one);
  const denoise = async (batches: readonly DenoiseBatch[]) => {
    calls.batchCalls.push(batches.length);
    return Promise.all(batches.map(({ x, sigma }) => one(x, sigma)));
  };
  return { denoise, solve, one, calls };
}

const sigmas = timeUniform(40, DEFAULT_SCHEDULE_OPTIONS);
const noise = Float64Array.from({ length: 8 }, (_, i) => Math.sin(i + 1));
const TEACHER = 40 * 2 * 8;
/** Rounds of the search after the teacher: all d's, the grids, the first golden pair, 12 more golden points. */
const ROUNDS = 1 + 1 + 1 + 12;

describe('AMED calibration progress, stop and batching', () => {
  it('reports after every forward solve or batch of them, teacher included, rising to 1', async () => {
    const { denoise, solve, calls } = gaussian();
    const reported: Array<{ fraction: number; evaluations: number }> = [];
    await calibrateAmed({
      variant: 'solver',
      afs: false,
      sigmas,
      denoise,
      solve,
      noise,
      onProgress: (fraction) => reported.push({ fraction, evaluations: calls.evaluations }),
    });
    expect(reported[0]).toEqual({ fraction: 1 / (40 * (16 + 31)), evaluations: 1 });
    expect(reported).toHaveLength(TEACHER + ROUNDS);
    for (let i = 1; i < reported.length; i++) expect(reported[i].fraction).toBeGreaterThan(reported[i - 1].fraction);
    // The count of solves is the one progress divides by: 40 steps × (2·8 teacher + 31 search) solves.
    expect(calls.evaluations).toBe(40 * (16 + 31));
    expect(reported.at(-1)!.fraction).toBe(1);
  });

  it('a stop during the teacher solve lands before the next solve', async () => {
    const { denoise, one, calls } = gaussian();
    const stop = new AbortController();
    const calibration = calibrateAmed({
      variant: 'solver',
      afs: false,
      sigmas,
      denoise,
      solve: forwardSolves(async (x, sigma) => {
        if (calls.evaluations === 5) stop.abort();
        return one(x, sigma);
      }).solve,
      noise,
      signal: stop.signal,
    });
    await expect(calibration).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.evaluations).toBe(6);
  });

  it("searches every step's r side by side, one call per round; iPNDM's history makes it step by step", async () => {
    const solver = gaussian();
    await calibrateAmed({ variant: 'solver', afs: true, sigmas, ...solver, noise });
    // AFS: step 0's d needs no evaluation, so the first call holds the other 39.
    expect(solver.calls.batchCalls).toEqual([39, 40 * 16, 80, ...Array(12).fill(40)]);
    const ipndm = gaussian();
    await calibrateAmed({ variant: 'ipndm', afs: false, sigmas, ...ipndm, noise });
    expect(ipndm.calls.batchCalls).toEqual(Array.from({ length: 40 }, () => [1, 16, 2, ...Array(12).fill(1)]).flat());
  });

  it('steps go side by side only as far as a round stays within its memory budget (image-sized batches)', async () => {
    const big = gaussian();
    const wide = Float64Array.from({ length: 1 << 17 }, (_, i) => Math.sin(i + 1));
    await calibrateAmed({ variant: 'solver', afs: true, sigmas: sigmas.slice(0, 6), ...big, noise: wide });
    // 2^22 values a round over 16 grid candidates of 2^17 values: two steps at a time (AFS spares step 0's d).
    const round = (steps: number, d: number) => [d, 16 * steps, 2 * steps, ...Array(12).fill(steps)];
    expect(big.calls.batchCalls).toEqual([...round(2, 1), ...round(2, 2), ...round(1, 1)]);
  });
});
