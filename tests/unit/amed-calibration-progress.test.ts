/** A long AMED calibration is seen to move and can be stopped from its first forward solve: progress and the stop
 *  check cover the teacher solve too, which at 1,000 steps is 16,000 solves before the first (r, c) search. */
import { describe, expect, it } from 'vitest';
import { calibrateAmed } from '../../src/sampling/amed/calibrate';
import { timeUniform, DEFAULT_SCHEDULE_OPTIONS } from '../../src/sampling/schedules';

/** D(x; σ) of a standard normal target, counting its solves. */
function gaussian() {
  const calls = { n: 0 };
  const denoise = async (x: Float64Array, sigma: number) => {
    calls.n++;
    return x.map((v) => v / (1 + sigma * sigma));
  };
  return { denoise, calls };
}

const sigmas = timeUniform(40, DEFAULT_SCHEDULE_OPTIONS);
const noise = Float64Array.from({ length: 8 }, (_, i) => Math.sin(i + 1));

describe('AMED calibration progress and stop', () => {
  it('reports after every forward solve, teacher included, rising to 1', async () => {
    const { denoise, calls } = gaussian();
    const reported: Array<{ fraction: number; solves: number }> = [];
    await calibrateAmed({
      variant: 'solver',
      afs: false,
      sigmas,
      denoise,
      noise,
      onProgress: (fraction) => reported.push({ fraction, solves: calls.n }),
    });
    expect(reported[0]).toEqual({ fraction: expect.any(Number), solves: 1 });
    expect(reported).toHaveLength(calls.n);
    for (let i = 1; i < reported.length; i++) expect(reported[i].fraction).toBeGreaterThan(reported[i - 1].fraction);
    // The count of solves is the one progress divides by: 40 steps × (2·8 teacher + 31 search) solves.
    expect(calls.n).toBe(40 * (16 + 31));
    expect(reported.at(-1)!.fraction).toBe(1);
  });

  it('a stop during the teacher solve lands before the next solve', async () => {
    const { denoise, calls } = gaussian();
    const stop = new AbortController();
    const calibration = calibrateAmed({
      variant: 'solver',
      afs: false,
      sigmas,
      denoise: async (x, sigma) => {
        if (calls.n === 5) stop.abort();
        return denoise(x, sigma);
      },
      noise,
      signal: stop.signal,
    });
    await expect(calibration).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.n).toBe(6);
  });
});
