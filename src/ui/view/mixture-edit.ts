/**
 * "Draw your own world" as pure edits of a mixture: each returns a new spec and keeps every
 * value inside what validateGmm accepts, so a drag can never produce a world the engine rejects.
 */
import { MAX_COMPONENTS, type GmmSpec } from '../../worlds/gmm';
import { worldToPixel, type Camera, type Viewport } from './camera';

export const EDIT_LIMITS = { std: [0.02, 20], weight: [1e-3, 1e3], coordinate: 1e4 } as const;
/** A new component's width: about a preset's (gmm-presets.ts uses 0.16–0.35). */
const NEW_COMPONENT_STD = 0.35;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const clampCoordinate = (v: number) => clamp(v, -EDIT_LIMITS.coordinate, EDIT_LIMITS.coordinate);

function copy(spec: GmmSpec): GmmSpec {
  return { type: 'gmm', means: spec.means.map((m) => [...m]), stds: [...spec.stds], weights: [...spec.weights] };
}

/** The component whose handle is under pixel (px, py): within its std or `minRadiusPx`, the nearest one; or −1. */
export function hitComponent(
  spec: GmmSpec,
  camera: Camera,
  viewport: Viewport,
  px: number,
  py: number,
  minRadiusPx: number,
): number {
  const pixelsPerUnit = viewport.height / (2 * camera.halfHeight);
  let best = -1;
  let bestDistance = Infinity;
  spec.means.forEach(([x, y], k) => {
    const [hx, hy] = worldToPixel(camera, viewport, x, y);
    const distance = Math.hypot(px - hx, py - hy);
    if (distance <= Math.max(minRadiusPx, spec.stds[k] * pixelsPerUnit) && distance < bestDistance) {
      best = k;
      bestDistance = distance;
    }
  });
  return best;
}

/** Adds a component at a point with the mixture's mean weight (so it is as prominent as the others). */
export function addComponent(spec: GmmSpec, at: [number, number]): GmmSpec {
  if (spec.means.length >= MAX_COMPONENTS) throw new RangeError(`custom: at most ${MAX_COMPONENTS} components`);
  const next = copy(spec);
  const weight = spec.weights.length ? spec.weights.reduce((a, b) => a + b, 0) / spec.weights.length : 1;
  next.means.push([clampCoordinate(at[0]), clampCoordinate(at[1])]);
  next.stds.push(NEW_COMPONENT_STD);
  next.weights.push(clamp(weight, EDIT_LIMITS.weight[0], EDIT_LIMITS.weight[1]));
  return next;
}

export function moveComponent(spec: GmmSpec, k: number, to: [number, number]): GmmSpec {
  const next = copy(spec);
  next.means[k] = [clampCoordinate(to[0]), clampCoordinate(to[1])];
  return next;
}

export function scaleStd(spec: GmmSpec, k: number, factor: number): GmmSpec {
  const next = copy(spec);
  next.stds[k] = clamp(spec.stds[k] * factor, EDIT_LIMITS.std[0], EDIT_LIMITS.std[1]);
  return next;
}

export function scaleWeight(spec: GmmSpec, k: number, factor: number): GmmSpec {
  const next = copy(spec);
  next.weights[k] = clamp(spec.weights[k] * factor, EDIT_LIMITS.weight[0], EDIT_LIMITS.weight[1]);
  return next;
}

/** Removes a component; the last one stays (a mixture needs at least one). */
export function removeComponent(spec: GmmSpec, k: number): GmmSpec {
  if (spec.means.length <= 1) return spec;
  const next = copy(spec);
  next.means.splice(k, 1);
  next.stds.splice(k, 1);
  next.weights.splice(k, 1);
  return next;
}
