/**
 * Reference values of src/sampling/noise.ts for bench/quality/check_rng.py, which compares its numpy port (rng.py)
 * against them: 10k PCG hashes, 1k hash keys, 10k normals, one initial-noise block and ~10k Brownian increments.
 *   node bench/quality/ts.mjs bench/quality/rng-vectors.ts <rng.json>
 */
import { writeFileSync } from 'node:fs';
import { brownianAt, brownianIncrement, hashKey, initialNoise, normalFromKey, pcgHash } from '../../src/sampling/noise';
import { karras, DEFAULT_SCHEDULE_OPTIONS } from '../../src/sampling/schedules';

/** Spread test inputs over the whole u32 range (Knuth's multiplicative constant), plus the edges. */
const spread = (n: number) => [
  0,
  1,
  0xffffffff,
  0x80000000,
  ...Array.from({ length: n - 4 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0),
];

export function main([output]: string[]): void {
  if (!output) throw new Error('usage: rng-vectors.ts <rng.json>');
  const hashInputs = spread(10_000);
  const keyArgs = Array.from({ length: 1000 }, (_, i) => [
    i % 3,
    pcgHash(i) % 1000,
    (i * 7) % 4096,
    pcgHash(i + 99) % 784,
  ]);
  const normalKeys = spread(10_000).map((v) => pcgHash(v));
  // u pairs as the η-SDE plans use them (σ_i/σ_0 on Karras grids), plus the interval ends and an off-grid pair.
  const us = [...karras(10, DEFAULT_SCHEDULE_OPTIONS), ...karras(3, DEFAULT_SCHEDULE_OPTIONS)].map((s) => s / 80);
  const pairs: Array<[number, number]> = us.slice(0, 10).map((u, i) => [u, us[i + 1]]);
  pairs.push([us[11], us[12]], [us[12], us[13]], [0.3, 0.2999], [1, 0]);
  const brownian: number[][] = [];
  for (const seed of [0, 123456789]) {
    for (let sample = 0; sample < 4; sample++) {
      for (let element = 0; element < 90; element += 1) {
        for (const [a, b] of pairs)
          brownian.push([a, b, seed, sample, element, brownianIncrement(a, b, seed, sample, element)]);
      }
    }
  }
  const at = [0, 1e-7, 0.25, 0.5, 0.7071, 1, 1.5].flatMap((u) =>
    [0, 1, 2].map((e) => [u, 7, 1, e, brownianAt(u, 7, 1, e)]),
  );
  writeFileSync(
    output,
    JSON.stringify({
      hash: { inputs: hashInputs, outputs: hashInputs.map(pcgHash) },
      hashKey: { args: keyArgs, outputs: keyArgs.map(([a, b, c, d]) => hashKey(a, b, c, d)) },
      normal: { keys: normalKeys, outputs: normalKeys.map(normalFromKey) },
      initialNoise: { seed: 7, count: 4, dim: 784, values: Array.from(initialNoise(7, 4, 784)) },
      brownianIncrement: brownian,
      brownianAt: at,
    }),
  );
}
