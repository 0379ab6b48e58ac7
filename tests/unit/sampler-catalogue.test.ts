import { describe, expect, it } from 'vitest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import type { Plan } from '../../src/sampling/plan';
import { DEFAULT_SCHEDULE_OPTIONS as O, karras } from '../../src/sampling/schedules';
import { buildEuler } from '../../src/sampling/samplers/euler';
import { buildDpmpp2m } from '../../src/sampling/samplers/dpmpp-2m';
import { buildEulerAncestral } from '../../src/sampling/samplers/euler-ancestral';
import { buildDpm2 } from '../../src/sampling/samplers/dpm-2';
import { buildDpm2Ancestral } from '../../src/sampling/samplers/dpm-2-ancestral';
import { buildLms } from '../../src/sampling/samplers/lms';
import { buildDpmpp2sAncestral } from '../../src/sampling/samplers/dpmpp-2s-ancestral';
import { buildDpmppSde } from '../../src/sampling/samplers/dpmpp-sde';
import { buildDpmpp2mSde } from '../../src/sampling/samplers/dpmpp-2m-sde';
import { buildDpmpp3mSde } from '../../src/sampling/samplers/dpmpp-3m-sde';
import { buildUniPc } from '../../src/sampling/samplers/unipc';
import { buildDeis } from '../../src/sampling/samplers/deis';
import { gmmDenoiser, type GmmSpec } from '../../src/worlds/gmm';
import { SAMPLER_GROUPS, SAMPLER_OPTIONS, SAMPLERS, samplerById } from '../../src/sampling/samplers';
import { scheduleById } from '../../src/sampling/schedules';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { gaussianExact } from '../reference/textbook-samplers';
import {
  deisTextbook,
  dpm2AncestralTextbook,
  dpm2Textbook,
  dpmpp2mSdeTextbook,
  dpmpp2sAncestralTextbook,
  dpmpp3mSdeTextbook,
  dpmppSdeTextbook,
  eulerAncestralTextbook,
  lmsTextbook,
  unipcTextbook,
} from '../reference/textbook-catalogue';

const COUNT = 32;
/** max |a − b| / max(1, |b|): the agreement measure (samples are O(1)–O(5) here). */
const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))), 0);
const rms = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(a).reduce((m, v, i) => m + (v - b[i]) ** 2, 0) / a.length);
const run = (plan: Plan, spec: GmmSpec, z: Float32Array, seed = 0) =>
  runPlanCpu(plan, gmmDenoiser(spec), { noise: z, count: z.length / 2, seed }).samples;

describe('catalogue samplers reproduce k-diffusion / diff-sampler loops (float64, random mixtures)', () => {
  const spec = randomMixture(21);
  const den = gmmDenoiser(spec);
  const z = randomNoise(5, COUNT * 2);
  const seed = 9;
  const grids = [1, 2, 3, 5, 13].map((n) => karras(n, O));
  const st = { eta: 0.7, sNoise: 0.9, seed };
  const cases: Array<[string, (s: Float64Array) => Plan, (s: Float64Array) => ArrayLike<number>]> = [
    ['euler_ancestral', (s) => buildEulerAncestral(s, st), (s) => eulerAncestralTextbook(den, s, z, st)],
    ['dpm_2', (s) => buildDpm2(s), (s) => dpm2Textbook(den, s, z)],
    ['dpm_2_ancestral', (s) => buildDpm2Ancestral(s, st), (s) => dpm2AncestralTextbook(den, s, z, st)],
    ['lms order 4', (s) => buildLms(s), (s) => lmsTextbook(den, s, z, 4)],
    ['lms order 2', (s) => buildLms(s, { order: 2 }), (s) => lmsTextbook(den, s, z, 2)],
    ['dpmpp_2s_ancestral', (s) => buildDpmpp2sAncestral(s, st), (s) => dpmpp2sAncestralTextbook(den, s, z, st)],
    ['dpmpp_sde', (s) => buildDpmppSde(s, st), (s) => dpmppSdeTextbook(den, s, z, st)],
    ['dpmpp_sde r = 0.3', (s) => buildDpmppSde(s, { ...st, r: 0.3 }), (s) => dpmppSdeTextbook(den, s, z, st, 0.3)],
    ['dpmpp_2m_sde midpoint', (s) => buildDpmpp2mSde(s, st), (s) => dpmpp2mSdeTextbook(den, s, z, st, 'midpoint')],
    [
      'dpmpp_2m_sde heun',
      (s) => buildDpmpp2mSde(s, { ...st, solverType: 'heun' }),
      (s) => dpmpp2mSdeTextbook(den, s, z, st, 'heun'),
    ],
    ['dpmpp_3m_sde', (s) => buildDpmpp3mSde(s, st), (s) => dpmpp3mSdeTextbook(den, s, z, st)],
    [
      'dpmpp_3m_sde η = 0',
      (s) => buildDpmpp3mSde(s, { eta: 0 }),
      (s) => dpmpp3mSdeTextbook(den, s, z, { eta: 0, sNoise: 1, seed }),
    ],
    ['unipc bh2 order 3', (s) => buildUniPc(s), (s) => unipcTextbook(den, s, z, 3, 'bh2')],
    ['unipc bh1 order 3', (s) => buildUniPc(s, { variant: 'bh1' }), (s) => unipcTextbook(den, s, z, 3, 'bh1')],
    ['unipc bh2 order 2', (s) => buildUniPc(s, { order: 2 }), (s) => unipcTextbook(den, s, z, 2, 'bh2')],
    [
      'unipc bh1 order 1',
      (s) => buildUniPc(s, { order: 1, variant: 'bh1' }),
      (s) => unipcTextbook(den, s, z, 1, 'bh1'),
    ],
    [
      'unipc bh2 order 3, no lower-order final',
      (s) => buildUniPc(s, { lowerOrderFinal: false }),
      (s) => unipcTextbook(den, s, z, 3, 'bh2', false),
    ],
    ['deis order 3', (s) => buildDeis(s), (s) => deisTextbook(den, s, z, 3)],
    ['deis order 2', (s) => buildDeis(s, { order: 2 }), (s) => deisTextbook(den, s, z, 2)],
  ];
  for (const [name, build, textbook] of cases) {
    it(`${name} agrees with the textbook loop to 1e-12`, () => {
      for (const sigmas of grids)
        expect(relDiff(run(build(sigmas), spec, z, seed), textbook(sigmas))).toBeLessThan(1e-12);
    });
  }

  it('η = 0 is the ODE counterpart, bit for bit', () => {
    for (const sigmas of grids) {
      const same = (a: Plan, b: Plan) =>
        expect(Array.from(run(a, spec, z, seed))).toEqual(Array.from(run(b, spec, z, seed)));
      same(buildEulerAncestral(sigmas, { eta: 0 }), buildEuler(sigmas, { eta: 0 }));
      same(buildDpmpp2mSde(sigmas, { eta: 0 }), buildDpmpp2m(sigmas, { eta: 0 }));
      same(buildDpm2Ancestral(sigmas, { eta: 0 }), buildDpm2(sigmas));
    }
  });

  it('NFE per step count, and every combine within MAX_COMBINE_TERMS (the builder throws otherwise)', () => {
    const nfe: Array<[(s: Float64Array) => Plan, (n: number) => number]> = [
      [(s) => buildEulerAncestral(s), (n) => n],
      [(s) => buildDpm2(s), (n) => 2 * n - 1],
      [(s) => buildDpm2Ancestral(s), (n) => 2 * n - 1],
      [(s) => buildLms(s), (n) => n],
      [(s) => buildDpmpp2sAncestral(s), (n) => 2 * n - 1],
      [(s) => buildDpmppSde(s), (n) => 2 * n - 1],
      [(s) => buildDpmpp2mSde(s), (n) => n],
      [(s) => buildDpmpp3mSde(s), (n) => n],
      [(s) => buildUniPc(s), (n) => n],
      [(s) => buildDeis(s), (n) => n],
    ];
    for (const [build, formula] of nfe)
      for (const n of [1, 2, 3, 4, 9]) expect(build(karras(n, O)).nfe).toBe(formula(n));
  });

  it('registry entries: NFE formulas hold, numeric options are refused just outside their ranges, schedules end in 0', () => {
    const ids = [
      'euler_ancestral',
      'dpm_2',
      'dpm_2_ancestral',
      'lms',
      'dpmpp_2s_ancestral',
      'dpmpp_sde',
      'dpmpp_2m_sde',
      'dpmpp_3m_sde',
      'unipc',
      'deis',
    ];
    for (const entry of ids.map((id) => samplerById(id)!)) {
      for (const n of [1, 2, 5]) expect(entry.build(karras(n, O), {}).nfe).toBe(entry.nfe(n));
      for (const option of entry.options) {
        if (option.type !== 'number') continue;
        expect(() => entry.build(karras(3, O), { [option.key]: option.min })).not.toThrow();
        expect(() => entry.build(karras(3, O), { [option.key]: option.max })).not.toThrow();
        expect(() => entry.build(karras(3, O), { [option.key]: option.max + 0.5 })).toThrow(RangeError);
      }
    }
    for (const schedule of ['polyexponential', 'vp', 'simple', 'beta', 'kl_optimal'].map((id) => scheduleById(id)!)) {
      const s = schedule.build(6, O);
      expect(s.length).toBe(7);
      expect(s[6]).toBe(0);
    }
  });

  it('registry: one declaration per option key, a group and a citation per entry, DDIM is Euler, UniPC on logSNR', () => {
    // The page state stores options flat by key, so two declarations under one key would fight over it.
    const keys = SAMPLER_OPTIONS.map((o) => o.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const s of SAMPLERS) {
      expect(SAMPLER_GROUPS, s.id).toContain(s.group);
      expect(s.citation.length, s.id).toBeGreaterThan(10);
    }
    expect(new Set(SAMPLERS.map((s) => s.a1111).filter(Boolean)).size).toBe(SAMPLERS.filter((s) => s.a1111).length);
    const grid = karras(6, O);
    expect(samplerById('ddim')!.build(grid, {})).toEqual(buildEuler(grid, {}));
    expect(samplerById('unipc')!.defaultSchedule).toBe('logsnr');
    expect(samplerById('unipc')!.options.map((o) => [o.key, o.default])).toEqual([
      ['order', 3],
      ['variant', 'bh2'],
      ['lowerOrderFinal', true],
    ]);
  });

  it('options outside their ranges are refused', () => {
    const s = karras(4, O);
    expect(() => buildEulerAncestral(s, { eta: 1.5 })).toThrow(RangeError);
    expect(() => buildLms(s, { order: 5 })).toThrow(RangeError);
    expect(() => buildUniPc(s, { variant: 'bh3' as 'bh1' })).toThrow(RangeError);
    expect(() => buildDeis(s, { order: 0 })).toThrow(RangeError);
    expect(() => buildDpmppSde(s, { r: 1 })).toThrow(RangeError);
  });
});

describe('convergence orders on a Gaussian target (exact solution in closed form)', () => {
  const mu = [1.5, -0.5];
  const std = 0.8;
  const spec: GmmSpec = { type: 'gmm', means: [mu], stds: [std], weights: [1] };
  const z = randomNoise(3, COUNT * 2);
  const exact = gaussianExact(mu, std, O.sigmaMax, O.sigmaMin, z);
  /** Least-squares slope of log RMS error against log N over the given step counts (Karras grids, ρ = 7). */
  const slope = (build: (s: Float64Array) => Plan, ns: number[]) => {
    const xs = ns.map(Math.log);
    const ys = ns.map((n) => Math.log(rms(run(build(karras(n, O)), spec, z), exact)));
    const [mx, my] = [xs.reduce((a, b) => a + b) / xs.length, ys.reduce((a, b) => a + b) / ys.length];
    return -xs.reduce((acc, x, i) => acc + (x - mx) * (ys[i] - my), 0) / xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  };
  const NS = [16, 32, 64, 128];
  // Measured least-squares slopes (N = 16…128, this target): dpm_2 2.10, lms 3.47 (order 2: 1.87), deis 2.93
  // (order 2: 1.92), unipc bh2 order 3 4.04 (bh1 4.17), unipc bh2 order 2 3.12.
  it('dpm_2 is second order (slope 2 ± 0.25)', () =>
    expect(Math.abs(slope((s) => buildDpm2(s), NS) - 2)).toBeLessThan(0.25));
  it('lms order 4 is at least third order', () => expect(slope((s) => buildLms(s), NS)).toBeGreaterThan(3));
  it('lms order 2 is second order (slope 2 ± 0.3), so the order option is live', () =>
    expect(Math.abs(slope((s) => buildLms(s, { order: 2 }), NS) - 2)).toBeLessThan(0.3));
  it('deis order 3 is third order (slope 3 ± 0.3)', () =>
    expect(Math.abs(slope((s) => buildDeis(s), NS) - 3)).toBeLessThan(0.3));
  // UniC raises the predictor's order of accuracy by one (Zhao et al. 2023, §3.2): UniPC with order-3 UniP is fourth
  // order, with order-2 UniP third order. Its first steps and lower-order final steps are too few to show here.
  it('unipc bh2 order 3 (UniP-3 + UniC) is fourth order (slope 4 ± 0.3)', () =>
    expect(Math.abs(slope((s) => buildUniPc(s), NS) - 4)).toBeLessThan(0.3));
  it('unipc bh2 order 2 (UniP-2 + UniC) is third order (slope 3 ± 0.3)', () =>
    expect(Math.abs(slope((s) => buildUniPc(s, { order: 2 }), NS) - 3)).toBeLessThan(0.3));
});
