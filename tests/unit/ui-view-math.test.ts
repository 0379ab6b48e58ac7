/** The 2D view's camera and the mixture edits of "draw your own world": pure math, checked on random inputs. */
import { describe, expect, it } from 'vitest';
import { lcg, randomMixture } from '../reference/random-mixture';
import { MAX_COMPONENTS, validateGmm, type GmmSpec } from '../../src/worlds/gmm';
import {
  DEFAULT_CAMERA,
  panByPixels,
  pixelToWorld,
  worldToClip,
  worldToPixel,
  zoomAt,
  ZOOM_LIMITS,
} from '../../src/ui/view/camera';
import {
  addComponent,
  EDIT_LIMITS,
  hitComponent,
  moveComponent,
  removeComponent,
  scaleStd,
  scaleWeight,
} from '../../src/ui/view/mixture-edit';

const viewport = { width: 300, height: 200 };

describe('camera', () => {
  it('pixelToWorld and worldToPixel invert each other, and clip space spans the viewport', () => {
    const u = lcg(3);
    for (let k = 0; k < 200; k++) {
      const camera = { cx: 20 * u() - 10, cy: 20 * u() - 10, halfHeight: 0.1 + 50 * u() };
      const [px, py] = [viewport.width * u(), viewport.height * u()];
      const [x, y] = pixelToWorld(camera, viewport, px, py);
      const [qx, qy] = worldToPixel(camera, viewport, x, y);
      expect(qx).toBeCloseTo(px, 9);
      expect(qy).toBeCloseTo(py, 9);
      // The right edge of the viewport is clip x = 1, the top edge clip y = 1.
      const [sx, sy] = worldToClip(camera, viewport);
      expect((pixelToWorld(camera, viewport, viewport.width, 0)[0] - camera.cx) * sx).toBeCloseTo(1, 9);
      expect((pixelToWorld(camera, viewport, 0, 0)[1] - camera.cy) * sy).toBeCloseTo(1, 9);
    }
  });

  it('zooming keeps the point under the cursor fixed; panning moves the plane with the drag', () => {
    const u = lcg(4);
    for (let k = 0; k < 100; k++) {
      const camera = { cx: 4 * u() - 2, cy: 4 * u() - 2, halfHeight: 1 + 5 * u() };
      const [px, py] = [viewport.width * u(), viewport.height * u()];
      const before = pixelToWorld(camera, viewport, px, py);
      const zoomed = zoomAt(camera, viewport, px, py, 0.5 + 2 * u());
      const after = pixelToWorld(zoomed, viewport, px, py);
      expect(after[0]).toBeCloseTo(before[0], 9);
      expect(after[1]).toBeCloseTo(before[1], 9);
      const [dx, dy] = [40 * u() - 20, 40 * u() - 20];
      const panned = panByPixels(camera, viewport, dx, dy);
      const moved = worldToPixel(panned, viewport, ...before);
      expect(moved[0]).toBeCloseTo(px + dx, 9);
      expect(moved[1]).toBeCloseTo(py + dy, 9);
    }
  });

  it('zoom stays within its limits', () => {
    expect(zoomAt(DEFAULT_CAMERA, viewport, 0, 0, 1e9).halfHeight).toBe(ZOOM_LIMITS.minHalfHeight);
    expect(zoomAt(DEFAULT_CAMERA, viewport, 0, 0, 1e-9).halfHeight).toBe(ZOOM_LIMITS.maxHalfHeight);
  });
});

describe('mixture edits', () => {
  const spec: GmmSpec = {
    type: 'gmm',
    means: [
      [0, 0],
      [2, 0],
      [2.3, 0],
    ],
    stds: [0.5, 0.1, 0.1],
    weights: [1, 1, 1],
  };

  it('hit-testing picks the nearest handle within its width or the minimum radius', () => {
    const [px, py] = worldToPixel(DEFAULT_CAMERA, viewport, 2.1, 0);
    expect(hitComponent(spec, DEFAULT_CAMERA, viewport, px, py, 10)).toBe(1);
    const [qx, qy] = worldToPixel(DEFAULT_CAMERA, viewport, 2.25, 0);
    expect(hitComponent(spec, DEFAULT_CAMERA, viewport, qx, qy, 10)).toBe(2);
    // Component 0 is wide (std 0.5 = 8.3 px here): a point 0.45 away still hits it with a 2 px minimum.
    const [rx, ry] = worldToPixel(DEFAULT_CAMERA, viewport, 0, 0.45);
    expect(hitComponent(spec, DEFAULT_CAMERA, viewport, rx, ry, 2)).toBe(0);
    const [ex, ey] = worldToPixel(DEFAULT_CAMERA, viewport, -3, 3);
    expect(hitComponent(spec, DEFAULT_CAMERA, viewport, ex, ey, 10)).toBe(-1);
  });

  it('every edit returns a new, valid mixture, even with extreme inputs, and leaves its input alone', () => {
    const u = lcg(9);
    let current = randomMixture(9, 5);
    for (let k = 0; k < 300; k++) {
      const before = structuredClone(current);
      const c = Math.floor(u() * current.means.length);
      const extreme = () => (u() < 0.5 ? 1e-30 : 1e30) * (u() < 0.5 ? -1 : 1);
      const edits = [
        () => addComponent(current, [extreme(), extreme()]),
        () => moveComponent(current, c, [extreme(), 10 * u()]),
        () => scaleStd(current, c, Math.abs(extreme())),
        () => scaleWeight(current, c, Math.abs(extreme())),
        () => removeComponent(current, c),
      ];
      const next = edits[Math.floor(u() * edits.length)]();
      expect(() => validateGmm(next)).not.toThrow();
      next.stds.forEach((s) => expect(s).toBeGreaterThanOrEqual(EDIT_LIMITS.std[0]));
      expect(current).toEqual(before);
      current = next.means.length < 40 ? next : removeComponent(next, 0);
    }
  });

  it('the last component cannot be removed, and a full mixture refuses another', () => {
    const one: GmmSpec = { type: 'gmm', means: [[0, 0]], stds: [1], weights: [1] };
    expect(removeComponent(one, 0)).toBe(one);
    const full: GmmSpec = {
      type: 'gmm',
      means: Array.from({ length: MAX_COMPONENTS }, () => [0, 0]),
      stds: Array(MAX_COMPONENTS).fill(1),
      weights: Array(MAX_COMPONENTS).fill(1),
    };
    expect(() => addComponent(full, [0, 0])).toThrow(/custom: at most 1024 components/);
  });

  it('a new component takes the mean weight, so it is as prominent as the others', () => {
    const next = addComponent(
      {
        type: 'gmm',
        means: [
          [0, 0],
          [1, 1],
        ],
        stds: [1, 1],
        weights: [1, 3],
      },
      [5, 5],
    );
    expect(next.weights[2]).toBe(2);
    expect(next.means[2]).toEqual([5, 5]);
  });
});
