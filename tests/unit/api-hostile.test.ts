/**
 * The public API under hostile arguments, in Node. These tests claim only that validation runs before any work: the
 * sandbox's GPU context is a stub that rejects every request (and fetch is stubbed the same way), so an argument that
 * passes validation ends in a GpuStubError, and one that fails it in a RangeError or TypeError naming its path.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Sandbox } from '../../src/api/sandbox';
import { shippedWorlds } from '../reference/shipped-worlds';

class GpuStubError extends Error {}
const gpuStub = {
  run: () => Promise.reject(new GpuStubError('GPU stub: validation passed')),
  dispose: () => {},
};
const sandbox = new Sandbox(gpuStub as never, shippedWorlds());

beforeAll(() => {
  vi.stubGlobal('fetch', () => Promise.reject(new GpuStubError('fetch stub: validation passed')));
});
afterAll(() => vi.unstubAllGlobals());

/** A message that starts with the argument path (`x[3]`, `world.weights`, `upsampleGuidance.w`, `steps, nfe`,
 *  `samples.length / dim`) and a colon, and is not a JavaScript engine error about a missing property. */
const NAMED = /^[A-Za-z][\w.[\]]*(?:(?:, | \/ )[\w.]+)*: \S/;
const ENGINE = /Cannot read properties|is not a function|is not iterable|undefined \(reading/;

function expectNamed(error: unknown, call: string): void {
  if (error instanceof GpuStubError) return;
  expect(error, call).toBeInstanceOf(Error);
  const message = (error as Error).message;
  expect(message, call).toMatch(NAMED);
  expect(message, call).not.toMatch(ENGINE);
}

/** A promise-returning method: never throws synchronously; resolves (checked by `ok`) or rejects with a named
 *  message. */
async function settles(call: () => unknown, label: string, ok: (value: unknown) => void = () => {}): Promise<void> {
  let promise: unknown;
  try {
    promise = call();
  } catch (error) {
    throw new Error(`${label}: threw synchronously (${String((error as Error)?.message)})`, { cause: error });
  }
  expect(promise, label).toBeInstanceOf(Promise);
  try {
    ok(await promise);
  } catch (error) {
    expectNamed(error, label);
  }
}

/** A synchronous method: returns (checked by `ok`) or throws a named message. */
function returnsOrNames(call: () => unknown, label: string, ok: (value: unknown) => void = () => {}): void {
  let value: unknown;
  try {
    value = call();
  } catch (error) {
    expectNamed(error, label);
    return;
  }
  ok(value);
}

const finiteNumbers = (value: unknown) => {
  for (const v of Object.values(value as object)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
};
const finiteArrayResult = (value: unknown) => {
  expect(ArrayBuffer.isView(value)).toBe(true);
  for (const v of value as Float64Array) expect(Number.isFinite(v)).toBe(true);
};

describe('every method validates its whole argument first (GPU stubbed)', () => {
  it('null, undefined and primitives as the options argument: a rejection (or throw, for sync methods) naming `options`', async () => {
    for (const bad of [null, undefined, 3, 'x', [], true]) {
      for (const method of [
        'sample',
        'denoise',
        'reference',
        'referenceKey',
        'sampleKey',
        'calibrateAmed',
        'reflow',
      ] as const) {
        const promise = (sandbox[method] as (o: unknown) => Promise<unknown>)(bad);
        await expect(promise, `${method}(${String(bad)})`).rejects.toThrow(
          /^options: must be an options object|^world: /,
        );
        await expect(promise).rejects.not.toThrow(ENGINE);
      }
      await expect(sandbox.classify(bad as never)).rejects.toThrow(/^options: /);
      for (const method of ['evaluate', 'sigmas', 'targetSamples'] as const)
        expect(() => (sandbox[method] as (o: unknown) => unknown)(bad), method).toThrow(/^options: /);
    }
    await expect(sandbox.loadClassifier(null as never)).rejects.toThrow(/^options: /);
  });

  it('options whose getters or Proxy traps throw: a rejection naming `options`, not the getter’s error', async () => {
    const trap = Object.defineProperty({ world: 'gmm:ring8' }, 'steps', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    for (const bad of [trap, proxy]) {
      for (const method of [
        'sample',
        'denoise',
        'reference',
        'sampleKey',
        'calibrateAmed',
        'reflow',
        'classify',
      ] as const)
        await expect((sandbox[method] as (o: unknown) => Promise<unknown>)(bad), method).rejects.toThrow(
          /^options: could not be read \((boom|trap)\)/,
        );
      for (const method of ['evaluate', 'sigmas', 'targetSamples'] as const)
        expect(() => (sandbox[method] as (o: unknown) => unknown)(bad), method).toThrow(/^options: could not be read/);
    }
  });

  it('reference and calibrateAmed reject, never throw synchronously, on invalid options', async () => {
    const calls = [
      () => sandbox.reference({ world: 'gmm:ring8', steps: 0 }),
      () => sandbox.calibrateAmed({ world: 'gmm:ring8', steps: 0 }),
      () => sandbox.calibrateAmed({ world: 'gmm:ring8', sampler: 'euler' as never }),
      () => sandbox.reflow({ world: 'nowhere' }),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toThrow(/^(steps|sampler|world): /);
    }
  });

  it('evaluate: samples non-empty, a whole number of points, finite; reference the same length', () => {
    const evaluate = (o: Record<string, unknown>) => () => sandbox.evaluate({ world: 'gmm:ring8', ...o } as never);
    expect(evaluate({ samples: new Float32Array(0) })).toThrow(/^samples: must be a non-empty Float32Array/);
    expect(evaluate({ samples: new Float32Array(3) })).toThrow(/^samples: .*multiple of dim 2/);
    expect(evaluate({ samples: Float32Array.of(0, NaN) })).toThrow(/^samples\[1\]: must be finite, got NaN/);
    expect(evaluate({ samples: Float32Array.of(Infinity, 0) })).toThrow(/^samples\[0\]: must be finite/);
    expect(evaluate({ samples: 'abcd' })).toThrow(/^samples: /);
    expect(evaluate({ samples: Float64Array.of(0, 0) })).toThrow(/^samples: .*got Float64Array\(2\)/);
    expect(evaluate({ samples: Float32Array.of(0, 0, 1, 1), reference: Float32Array.of(0, 0) })).toThrow(
      /^reference: length must be 4/,
    );
    const ok = sandbox.evaluate({
      world: 'gmm:ring8',
      samples: Float32Array.of(0, 0, 1, 1),
      reference: Float32Array.of(0, 0, 1, 1),
    });
    expect(ok.rmse).toBe(0);
    finiteNumbers(ok);
  });

  it('numerically extreme inputs are refused by documented ranges, not returned as NaN', async () => {
    const run = { world: 'gmm:ring8', sampler: 'euler', count: 1 };
    await expect(sandbox.sample({ ...run, sigmaMin: 1e-300 })).rejects.toThrow(
      /^sigmaMin: must be a number in \[0.00001, /,
    );
    await expect(sandbox.sample({ ...run, noise: Float32Array.of(1e30, 0) })).rejects.toThrow(
      /^noise\[0\]: must be in \[-1000, 1000\], got 1[\d.]*e\+30/,
    );
    await expect(sandbox.denoise({ world: 'gmm:ring8', x: Float32Array.of(3e38, -3e38), sigma: 1 })).rejects.toThrow(
      /^x\[0\]: must be in \[-1000000, 1000000\]/,
    );
    expect(() => sandbox.sigmas({ schedule: 'karras', steps: 4, sigmaMin: 1e-300 })).toThrow(/^sigmaMin: /);
    expect(() => sandbox.sigmas({ schedule: 'karras', steps: 4, sigmaMax: Infinity })).toThrow(/^sigmaMax: /);
    // The edges themselves are accepted (the stub rejecting means validation passed).
    await expect(sandbox.sample({ ...run, sigmaMin: 1e-5, noise: Float32Array.of(1000, -1000) })).rejects.toThrow(
      GpuStubError,
    );
  });

  it('mixtures: a weight sum overflowing to Infinity and sparse arrays are refused', async () => {
    const mixture = {
      type: 'gmm',
      means: [
        [0, 0],
        [1, 1],
      ],
      stds: [0.5, 0.5],
      weights: [1e308, 1e308],
    };
    const sample = (world: unknown) => sandbox.sample({ world: world as never, sampler: 'euler' });
    await expect(sample(mixture)).rejects.toThrow(/^world.weights: the sum must be finite/);
    /** An array of `length` with only the given indices set: the rest are holes. */
    const holey = (length: number, set: Record<number, unknown>) => Object.assign(new Array<unknown>(length), set);
    const finite = { ...mixture, weights: [1, 1] };
    await expect(sample({ ...finite, means: holey(2, { 1: [1, 1] }) })).rejects.toThrow(/^world.means\[0\]: /);
    await expect(sample({ ...finite, stds: holey(2, { 0: 0.5 }) })).rejects.toThrow(/^world.stds\[1\]: /);
    await expect(sample({ ...finite, weights: holey(2, { 0: 1 }) })).rejects.toThrow(/^world.weights\[1\]: /);
    await expect(sample({ ...finite, means: [[0, 0], holey(2, { 0: 1 })] })).rejects.toThrow(/^world.means\[1\]: /);
  });

  it('pins the API ranges of rho (0.1–100) and sigmaVar (0–2) at their edges', async () => {
    const run = (o: Record<string, unknown>) =>
      sandbox.sample({ world: 'gmm:ring8', sampler: 'reflow', count: 1, ...o });
    for (const rho of [0.1, 100]) await expect(run({ rho })).rejects.toThrow(GpuStubError);
    for (const rho of [0.0999, 100.001])
      await expect(run({ rho })).rejects.toThrow(`rho: must be a number in [0.1, 100], got ${rho}`);
    for (const sigmaVar of [0, 2]) await expect(run({ sigmaVar })).rejects.toThrow(GpuStubError);
    for (const sigmaVar of [-0.001, 2.001])
      await expect(run({ sigmaVar })).rejects.toThrow(`sigmaVar: must be a number in [0, 2], got ${sigmaVar}`);
  });
});

/** Anything at all, weighted toward what breaks naive checks. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    1e-300,
    1e300,
    3e38,
    -1,
    2 ** 53,
    '',
    'mixed',
    true,
  ),
  fc.double(),
  fc.integer({ min: -5, max: 2000 }),
  fc.string({ maxLength: 8 }),
  fc.float32Array({ maxLength: 16 }),
  fc.float64Array({ maxLength: 8 }),
  fc.int32Array({ maxLength: 8 }),
  fc.array(fc.double(), { maxLength: 4 }),
  fc.sparseArray(fc.integer(), { maxLength: 4 }),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
);

/** A valid value for a field some of the time, anything the rest. */
const field = (...valid: unknown[]) => fc.oneof(fc.constantFrom(...valid), hostile);
const optionsOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof({ weight: 1, arbitrary: hostile }, { weight: 9, arbitrary: fc.record(fields, { requiredKeys: [] }) });

const world = field('gmm:ring8', 'gmm:two_moons', 'fmnist', {
  type: 'gmm',
  means: [
    [0, 0],
    [2, 2],
  ],
  stds: [0.5, 0.3],
  weights: [1, 2],
});
const runFields = {
  world,
  sampler: field('euler', 'heun', 'sde', 'reflow', 'amed', 'amed_plugin', 'ipndm'),
  steps: field(1, 5, 1000),
  nfe: field(3, 10),
  schedule: field('karras', 'time_uniform', 'logsnr', 'linear_t'),
  sigmaMax: field(80, 1, 1000),
  sigmaMin: field(0.002, 1e-5),
  rho: field(7, 0.1, 100),
  seed: field(0, 42, 0xffffffff),
  count: field(1, 2, 16),
  noise: field(Float32Array.of(0, 1), Float32Array.of(1000, -1000)),
  trajectory: field(true, false),
  eta: field(0, 1),
  sigmaVar: field(0, 2),
  label: field(0, 9, 'mixed'),
  cfg: field(1, 2),
  size: field(28, 56),
  upsampleGuidance: field({ w: 1, eta: 0.6 }),
  skipTuning: field({ bottom: 0.8 }, { bottom: 1, top: 0.9 }),
  onProgress: field(() => {}),
};
const RUNS = 90;

describe('generated hostile arguments: every method resolves with finite output or rejects with a named message', () => {
  const cases: Array<[string, fc.Arbitrary<unknown>, (arg: unknown) => Promise<void> | void]> = [
    ['sample', optionsOf(runFields), (o) => settles(() => sandbox.sample(o as never), 'sample')],
    ['reference', optionsOf(runFields), (o) => settles(() => sandbox.reference(o as never), 'reference')],
    ['sampleKey', optionsOf(runFields), (o) => settles(() => sandbox.sampleKey(o as never), 'sampleKey')],
    ['calibrateAmed', optionsOf(runFields), (o) => settles(() => sandbox.calibrateAmed(o as never), 'calibrateAmed')],
    [
      'denoise',
      optionsOf({
        world,
        x: field(Float32Array.of(0, 0), Float32Array.of(1e6, 1, 2, 3)),
        sigma: field(1, 1e-3, Float32Array.of(1)),
        label: field(0),
        cfg: field(1),
        size: field(28),
      }),
      (o) => settles(() => sandbox.denoise(o as never), 'denoise'),
    ],
    [
      'reflow',
      optionsOf({
        world,
        pairs: field(500, 1000),
        teacherSteps: field(8, 64),
        seed: field(1),
        onProgress: field(() => {}),
      }),
      (o) => settles(() => sandbox.reflow(o as never), 'reflow'),
    ],
    [
      'classify',
      optionsOf({
        world: field('fmnist'),
        images: field(new Float32Array(784), new Float32Array(2 * 784)),
        count: field(1, 2),
      }),
      (o) => settles(() => sandbox.classify(o as never), 'classify'),
    ],
    ['loadWorld', hostile, (w) => settles(() => sandbox.loadWorld(w as never), 'loadWorld')],
    [
      'loadClassifier',
      optionsOf({ world: field('fmnist'), onProgress: field(() => {}) }),
      (o) => settles(() => sandbox.loadClassifier(o as never), 'loadClassifier'),
    ],
    ['importAmedCalibration', hostile, (c) => settles(() => sandbox.importAmedCalibration(c), 'importAmedCalibration')],
    ['importGitsCalibration', hostile, (c) => settles(() => sandbox.importGitsCalibration(c), 'importGitsCalibration')],
    [
      'evaluate',
      optionsOf({
        world,
        samples: field(Float32Array.of(0, 0, 1, 1), Float32Array.of(1e6, -1e6)),
        reference: field(Float32Array.of(0, 0, 1, 1)),
        seed: field(0, 3),
      }),
      (o) => returnsOrNames(() => sandbox.evaluate(o as never), 'evaluate', finiteNumbers),
    ],
    [
      'sigmas',
      optionsOf({
        schedule: runFields.schedule,
        steps: runFields.steps,
        sigmaMax: runFields.sigmaMax,
        sigmaMin: runFields.sigmaMin,
        rho: runFields.rho,
      }),
      (o) => returnsOrNames(() => sandbox.sigmas(o as never), 'sigmas', finiteArrayResult),
    ],
    [
      'targetSamples',
      optionsOf({ world, count: field(1, 100), seed: field(0, 7) }),
      (o) => returnsOrNames(() => sandbox.targetSamples(o as never), 'targetSamples', finiteArrayResult),
    ],
    ['worldSpec', hostile, (w) => returnsOrNames(() => sandbox.worldSpec(w as never), 'worldSpec')],
  ];
  for (const [name, arbitrary, check] of cases)
    it(`${name}: ${RUNS} generated arguments`, async () => {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (arg) => {
          await check(arg);
        }),
        { numRuns: RUNS, seed: 20261202 },
      );
    });
});
