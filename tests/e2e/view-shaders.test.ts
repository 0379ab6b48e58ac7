/** The 2D view's WGSL (shaders/view/) against float64 references: the log-density grid against gmmLogDensity,
 *  the heatmap colours against the TypeScript colour scale, dots and paths against the camera transform. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { gpuErrors, openPage } from '../browser/page';
import { lcg, randomMixture } from '../reference/random-mixture';
import { gmmLogDensity, type GmmSpec } from '../../src/worlds/gmm';
import { worldToPixel, type Camera, type Viewport } from '../../src/ui/view/camera';
import { pixelCenters } from '../../src/ui/view/density-grid';
import { HEATMAP_RANGE, heatmapColor, logDensityUpperBound, type Rgba } from '../../src/ui/view/palette';

const EPS32 = 2 ** -24;
let session: Awaited<ReturnType<typeof openPage>>;
let page: Page;

beforeAll(async () => {
  session = await openPage('/tests/e2e/view-harness.html');
  page = session.page;
});

afterAll(async () => {
  expect(await gpuErrors(page)).toEqual([]);
  expect(session.problems).toEqual([]);
  await session.close();
});

type Scene = {
  spec: GmmSpec;
  camera: Camera;
  dots: Array<{ positions: number[]; color: Rgba; radiusPx: number }>;
  paths?: { records: number[][]; color: Rgba };
};
const render = (viewport: Viewport, scene: Scene) =>
  page.evaluate((v, s) => (window as any).harness.render(v, s) as Promise<number[]>, viewport, scene);
/** |∇log p(x)|₁ = |Σ_k r_k (μ_k − x)/s_k²|₁ with responsibilities r_k = π_k N(x; μ_k, s_k²) / p(x), in float64. */
function gradientL1(spec: GmmSpec, x: number[], logp: number): number {
  const total = spec.weights.reduce((a, b) => a + b, 0);
  const g = [0, 0];
  spec.means.forEach((m, k) => {
    const v = spec.stds[k] ** 2;
    const r = Math.exp(
      Math.log(spec.weights[k] / total) -
        ((x[0] - m[0]) ** 2 + (x[1] - m[1]) ** 2) / (2 * v) -
        Math.log(2 * Math.PI * v) -
        logp,
    );
    for (let e = 0; e < 2; e++) g[e] += (r * (m[e] - x[e])) / v;
  });
  return Math.abs(g[0]) + Math.abs(g[1]);
}

const pixel = (image: number[], viewport: Viewport, i: number, j: number) =>
  image.slice(4 * (j * viewport.width + i), 4 * (j * viewport.width + i) + 4);

describe('view shaders against float64 references', () => {
  it('log-density.wgsl matches gmmLogDensity on every pixel of odd-sized grids', async () => {
    for (const [seed, components] of [
      [11, 3],
      [12, 12],
      [13, 40],
    ]) {
      const spec = randomMixture(seed, components);
      const u = lcg(seed);
      const camera = { cx: 4 * u() - 2, cy: 4 * u() - 2, halfHeight: 3 + 6 * u() };
      const viewport = { width: 37, height: 23 };
      const gpu = await page.evaluate(
        (s, c, v) => (window as any).harness.logDensity(s, c, v) as Promise<number[]>,
        spec,
        camera,
        viewport,
      );
      const centers = pixelCenters(camera, viewport);
      const exact = gmmLogDensity(spec, centers, viewport.width * viewport.height);
      // f32 budget: the pixel's position x = origin + (i + ½)·texel is rounded by ~4ε·(|origin| + |x|), which moves
      // log p by |∇log p|₁ times that; each exponent −|x−μ|²/2s² carries ~4ε relative error (~4ε·|log p| at the
      // winning term); log-sum-exp adds ~(K + 4)ε; WGSL's log is good to 2⁻²¹ absolute near 1.
      const originScale =
        Math.abs(camera.cx) + Math.abs(camera.cy) + 2 * camera.halfHeight * (1 + viewport.width / viewport.height);
      let worst = 0;
      for (let i = 0; i < exact.length; i++) {
        const x = [centers[2 * i], centers[2 * i + 1]];
        const gradient = gradientL1(spec, x, exact[i]);
        const positionError = 4 * EPS32 * (originScale + Math.abs(x[0]) + Math.abs(x[1]));
        const bound =
          gradient * positionError +
          16 * EPS32 * (Math.abs(exact[i]) + 10) +
          (components + 8) * 4 * EPS32 +
          4 * 2 ** -21;
        const err = Math.abs(gpu[i] - exact[i]);
        worst = Math.max(worst, err / bound);
        expect(err, `pixel ${i} (log p ${exact[i]})`).toBeLessThanOrEqual(bound);
      }
      expect(worst).toBeGreaterThan(0);
    }
  });

  it('heatmap.wgsl colours every pixel as the float64 colour scale does', async () => {
    const spec = randomMixture(21, 8);
    const camera = { cx: 0.3, cy: -0.2, halfHeight: 5 };
    const viewport = { width: 41, height: 29 };
    const image = await render(viewport, { spec, camera, dots: [] });
    const logp = gmmLogDensity(spec, pixelCenters(camera, viewport), viewport.width * viewport.height);
    const top = logDensityUpperBound(spec);
    let bright = 0;
    for (let p = 0; p < logp.length; p++) {
      const expected = heatmapColor(logp[p], top, HEATMAP_RANGE).map((c) => c * 255);
      // rgba8unorm rounds to ½ LSB; the f32 log-density error (≲ 1e-4 nats here) moves t by 1e-5 at most.
      for (let c = 0; c < 4; c++)
        expect(Math.abs(image[4 * p + c] - expected[c]), `pixel ${p} channel ${c}`).toBeLessThanOrEqual(0.51 + 0.01);
      if (expected[0] > 128) bright++;
    }
    // The scene is not all background: some pixels sit near a mode.
    expect(bright).toBeGreaterThan(0);
  });

  it('particles.wgsl draws each dot at its camera position with straight alpha over the heatmap', async () => {
    const spec = randomMixture(31, 5);
    const camera = { cx: 1, cy: 0.5, halfHeight: 4 };
    const viewport = { width: 48, height: 32 };
    // World points at pixel centres, so coverage of the centre pixel is unambiguous.
    const pixels: Array<[number, number]> = [
      [10, 8],
      [30, 20],
      [40, 5],
    ];
    const unit = (2 * camera.halfHeight) / viewport.height;
    const positions = pixels.flatMap(([i, j]) => [
      camera.cx + (i + 0.5 - viewport.width / 2) * unit,
      camera.cy - (j + 0.5 - viewport.height / 2) * unit,
    ]);
    const color: Rgba = [1, 0.5, 0.25, 0.75];
    const background = await render(viewport, { spec, camera, dots: [] });
    const image = await render(viewport, { spec, camera, dots: [{ positions, color, radiusPx: 2.5 }] });
    for (const [n, [i, j]] of pixels.entries()) {
      const [pi, pj] = worldToPixel(camera, viewport, positions[2 * n], positions[2 * n + 1]);
      expect([Math.floor(pi), Math.floor(pj)]).toEqual([i, j]);
      const under = pixel(background, viewport, i, j);
      const expected = [0, 1, 2].map((c) => color[c] * 255 * color[3] + under[c] * (1 - color[3]));
      pixel(image, viewport, i, j)
        .slice(0, 3)
        .forEach((v, c) => expect(Math.abs(v - expected[c])).toBeLessThanOrEqual(1.01));
      expect(pixel(image, viewport, i, j)[3]).toBe(255);
      // Four pixels away (radius 2.5) the heatmap is untouched.
      expect(pixel(image, viewport, i, j + 4)).toEqual(pixel(background, viewport, i, j + 4));
    }
  });

  it('trajectories.wgsl draws x_0 → x_N with alpha rising along the path', async () => {
    const spec = randomMixture(41, 4);
    const camera = { cx: 0, cy: 0, halfHeight: 4 };
    const viewport = { width: 40, height: 24 };
    const unit = (2 * camera.halfHeight) / viewport.height;
    const at = (i: number, j: number) => [
      (i + 0.5 - viewport.width / 2) * unit,
      -(j + 0.5 - viewport.height / 2) * unit,
    ];
    // One particle travelling along pixel row 12 from column 10 to column 30; a second particle is skipped by
    // nothing (stride 1) and travels along row 4.
    const records = [
      [...at(10, 12), ...at(5, 4)],
      [...at(30, 12), ...at(35, 4)],
    ];
    const color: Rgba = [1, 1, 1, 0.8];
    const background = await render(viewport, { spec, camera, dots: [] });
    const image = await render(viewport, { spec, camera, dots: [], paths: { records, color } });
    // Pixel 20 is half-way: alpha = 0.8 · (0.25 + 0.75 · ½).
    const alpha = color[3] * (0.25 + 0.75 * 0.5);
    for (const [i, j] of [
      [20, 12],
      [20, 4],
    ]) {
      const under = pixel(background, viewport, i, j);
      pixel(image, viewport, i, j)
        .slice(0, 3)
        .forEach((v, c) => expect(Math.abs(v - (255 * alpha + under[c] * (1 - alpha)))).toBeLessThanOrEqual(1.51));
    }
    expect(pixel(image, viewport, 20, 8)).toEqual(pixel(background, viewport, 20, 8));
  });
});
