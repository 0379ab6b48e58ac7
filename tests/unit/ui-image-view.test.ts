/** Image panels' pictures: bilinear upscaling (PyTorch's align_corners=False convention), the gray mapping, the grid
 *  layout, the scrubber's frames, and what an image panel asks the engine for. */
import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../src/sampling/samplers';
import { defaultState, type SandboxState } from '../../src/state/params';
import { metricsFor, panelRequest, panelUpscale } from '../../src/ui/runs/run-request';
import { imageFrames, samplesImage } from '../../src/ui/view/image-frames';
import { enlargeNearest, grayLevel, mosaic, mosaicColumns, upscaleBilinear } from '../../src/ui/view/image-mosaic';
import { WORLDS } from './state-random-state';

describe('bilinear upscaling', () => {
  it('1D pairs give PyTorch interpolate(scale_factor=2, mode="bilinear", align_corners=False): a, ¾a+¼b, ¼a+¾b, b', () => {
    const { values, side } = upscaleBilinear({ values: Float32Array.from([4, 8, 4, 8]), count: 1, side: 2 }, 2);
    expect(side).toBe(4);
    expect(Array.from(values.slice(0, 4))).toEqual([4, 5, 7, 8]);
  });

  it('reproduces a linear image exactly inside and clamps at the edges, per image of a batch', () => {
    // Image 0: v = 2y + x on a 2×2 grid; image 1: a constant.
    const { values } = upscaleBilinear({ values: Float32Array.from([0, 1, 2, 3, 5, 5, 5, 5]), count: 2, side: 2 }, 2);
    const ramp = [0, 0.25, 0.75, 1];
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) expect(values[y * 4 + x]).toBeCloseTo(2 * ramp[y] + ramp[x], 6);
    expect(Array.from(values.slice(16))).toEqual(new Array(16).fill(5));
  });

  it('factor 4 against a float64 evaluation of the half-pixel formula; factor 1 is the identity', () => {
    const side = 5;
    const input = Float32Array.from({ length: side * side }, (_, i) => Math.sin(i * 1.7));
    const { values } = upscaleBilinear({ values: input, count: 1, side }, 4);
    const at = (y: number, x: number) => input[y * side + x];
    const coordinate = (i: number) => Math.min(side - 1, Math.max(0, (i + 0.5) / 4 - 0.5));
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        const [cy, cx] = [coordinate(y), coordinate(x)];
        const [y0, x0] = [Math.floor(cy), Math.floor(cx)];
        const [y1, x1] = [Math.min(side - 1, y0 + 1), Math.min(side - 1, x0 + 1)];
        const [wy, wx] = [cy - y0, cx - x0];
        const expected =
          (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
        expect(values[y * 20 + x]).toBeCloseTo(expected, 5);
      }
    }
    expect(upscaleBilinear({ values: input, count: 1, side }, 1).values).toEqual(input);
    expect(() => upscaleBilinear({ values: input, count: 1, side }, 1.5)).toThrow(/factor: must be a positive integer/);
  });
});

describe('image grids', () => {
  it('gray levels: −1 black, 1 white, clamped outside, scaled first', () => {
    expect([grayLevel(-1), grayLevel(0), grayLevel(1), grayLevel(-7), grayLevel(3), grayLevel(10, 0.1)]).toEqual([
      0, 128, 255, 0, 255, 255,
    ]);
  });

  it('as square as possible, a gap between cells, the gap colour where no image is', () => {
    expect([1, 2, 4, 5, 16, 17, 64].map(mosaicColumns)).toEqual([1, 2, 2, 3, 4, 5, 8]);
    // Three 2×2 images: a 2×2 grid of cells with one pixel between them, the fourth cell empty.
    const image = mosaic({ values: Float32Array.from([-1, -1, -1, -1, 1, 1, 1, 1, 0, 0, 0, 0]), count: 3, side: 2 });
    expect([image.width, image.height]).toEqual([5, 5]);
    const gray = (x: number, y: number) => image.data[4 * (y * 5 + x)];
    expect([gray(0, 0), gray(1, 1), gray(3, 0), gray(4, 1), gray(0, 3), gray(1, 4)]).toEqual([
      0, 0, 255, 255, 128, 128,
    ]);
    expect(Array.from(image.data.slice(4 * 2, 4 * 3))).toEqual([11, 13, 30, 255]);
    expect(Array.from(image.data.slice(4 * (4 * 5 + 4), 4 * (4 * 5 + 5)))).toEqual([11, 13, 30, 255]);
    expect(() => mosaic({ values: new Float32Array(5), count: 2, side: 2 })).toThrow(
      /values: must hold count × side² = 8/,
    );
  });

  it('enlarging by whole pixels repeats each pixel as a block', () => {
    const image = { data: Uint8ClampedArray.from([1, 2, 3, 4, 5, 6, 7, 8]), width: 2, height: 1 };
    const big = enlargeNearest(image, 2);
    expect([big.width, big.height]).toEqual([4, 2]);
    expect(Array.from(big.data)).toEqual([
      1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8,
    ]);
  });

  it('the scrubber: final samples, or x_t at the variance-preserving scale beside D(x_t); upscaled in the view', () => {
    const sigma = 3;
    const run = {
      samples: new Float32Array(2 * 4).fill(0.5),
      trajectory: [new Float32Array(8).fill(sigma), new Float32Array(8).fill(0.5)],
      denoised: [new Float32Array(8).fill(-0.5), new Float32Array(8).fill(0.5)],
      sigmas: [sigma, 0],
    };
    expect(imageFrames(run, 2, null, 1).map((f) => f.caption)).toEqual(['samples']);
    expect(imageFrames(run, 2, 1, 1).map((f) => f.caption)).toEqual(['samples']);
    const [x, d] = imageFrames(run, 2, 0, 1);
    expect(x.caption).toMatch(/^x_t .*σ = 3.00$/);
    expect(x.image.data[0]).toBe(grayLevel(sigma / Math.sqrt(1 + sigma * sigma)));
    expect(d.image.data[0]).toBe(grayLevel(-0.5));
    const enlarged = samplesImage(run, 2, 2);
    expect([enlarged.width, enlarged.height]).toEqual([2 * 4 + 1, 4]);
  });
});

describe('image panel requests', () => {
  const image = (fields: Partial<SandboxState>, panels = defaultState().panels): SandboxState => ({
    ...defaultState(),
    world: 'fmnist',
    count: 4,
    panels,
    ...fields,
  });
  const request = (state: SandboxState, index = 0) => panelRequest(state, index, SAMPLERS, WORLDS);

  it('class, CFG and size; "mixed" labels every image; unconditional sends no label', () => {
    expect(request(image({}))).toMatchObject({
      world: 'fmnist',
      label: 'mixed',
      cfg: 1,
      size: 28,
      count: 4,
      trajectory: true,
    });
    expect(request(image({ label: 7, cfg: 3 }))).toMatchObject({ label: 7, cfg: 3 });
    expect('label' in request(image({ label: 'unconditional' }))).toBe(false);
    expect('upsampleGuidance' in request(image({}))).toBe(false);
    expect(metricsFor(image({}), 0, WORLDS)).toBe('none');
  });

  it('above the native size: guided asks for UG with w and η, naive does not, bilinear runs at the native size', () => {
    const panels = (['guided', 'naive', 'bilinear'] as const).map((upscale) => ({
      ...defaultState().panels[0],
      ...(upscale === 'guided' ? {} : { upscale }),
    }));
    const state = image({ size: 56, ugWeight: 1.5, ugEta: 0.3 }, panels);
    expect(request(state, 0)).toMatchObject({ size: 56, upsampleGuidance: { w: 1.5, eta: 0.3 } });
    expect(request(state, 1)).toMatchObject({ size: 56 });
    expect('upsampleGuidance' in request(state, 1)).toBe(false);
    expect(request(state, 2)).toMatchObject({ size: 28 });
    expect('upsampleGuidance' in request(state, 2)).toBe(false);
    const native = WORLDS.find((w) => w.id === 'fmnist')!.image!;
    expect([0, 1, 2].map((i) => panelUpscale(state, i, native))).toEqual([1, 1, 2]);
    // The bilinear panel shares its run with a native-size panel on the same noise.
    expect(request(state, 2)).toEqual(request(image({ ugWeight: 1.5, ugEta: 0.3 }), 0));
  });

  it('sampler options go only to their samplers; a panel on its own reflow has no RMSE', () => {
    const panels = [
      { sampler: 'reflow', steps: 1, schedule: 'linear_t' as const, eta: 0, sigmaVar: 0.4, world: 'gmm:ring8:2rf' },
      {
        sampler: 'amed_plugin',
        steps: 3,
        schedule: 'time_uniform' as const,
        eta: 0,
        base: 'dpm2',
        afs: false,
        sigmaVar: 0.4,
      },
      { sampler: 'euler', steps: 3, schedule: 'karras' as const, eta: 0, sigmaVar: 0.4, afs: false },
    ];
    const state = { ...defaultState(), panels };
    expect(request(state, 0)).toMatchObject({ world: 'gmm:ring8:2rf', sigmaVar: 0.4 });
    expect(request(state, 1)).toMatchObject({ base: 'dpm2', afs: false });
    expect('sigmaVar' in request(state, 1)).toBe(false);
    expect(Object.keys(request(state, 2)).some((k) => ['sigmaVar', 'afs', 'base', 'label', 'size'].includes(k))).toBe(
      false,
    );
    expect([0, 1, 2].map((i) => metricsFor(state, i, WORLDS))).toEqual(['likelihood', 'rmse', 'rmse']);
  });
});
