/** The 2D preset targets. Each is a plain mixture spec, so a user can copy one and edit it. Scales sit within
 *  about [−5, 5], small against σ_max = 80, as image data sits within [−1, 1]. */
import type { GmmSpec } from './gmm';

function mixture(points: Array<[number, number]>, std: number): GmmSpec {
  return { type: 'gmm', means: points.map((p) => [...p]), stds: points.map(() => std), weights: points.map(() => 1) };
}

/** Eight modes on a circle of radius 4, std 0.35 (measured.md's reference world). */
export function ring8(): GmmSpec {
  const points = Array.from({ length: 8 }, (_, k): [number, number] => [
    4 * Math.cos((k * Math.PI) / 4),
    4 * Math.sin((k * Math.PI) / 4),
  ]);
  return mixture(points, 0.35);
}

/** The eight dark squares of a 4×4 board on [−4, 4]², each filled by a 3×3 lattice of small components. */
function checkerboard(): GmmSpec {
  const points: Array<[number, number]> = [];
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 4; col++) {
      if ((row + col) % 2 !== 0) continue;
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) points.push([-4 + 2 * col + 0.4 + 0.6 * a, -4 + 2 * row + 0.4 + 0.6 * b]);
    }
  }
  return mixture(points, 0.3);
}

/** An Archimedean spiral r = 0.6 + 0.55·θ over 1.75 turns, as 48 small components. */
function spiral(): GmmSpec {
  const points = Array.from({ length: 48 }, (_, k): [number, number] => {
    const theta = (k / 47) * 3.5 * Math.PI;
    const r = 0.6 + 0.35 * theta;
    return [r * Math.cos(theta), r * Math.sin(theta)];
  });
  return mixture(points, 0.18);
}

/** Two interleaved half-moons (the scikit-learn toy), 2 × 32 small components. */
function moons(): GmmSpec {
  const points: Array<[number, number]> = [];
  for (let k = 0; k < 32; k++) {
    const a = (k / 31) * Math.PI;
    points.push([2.5 * Math.cos(a) - 1.25, 2.5 * Math.sin(a) - 0.6]);
    points.push([1.25 - 2.5 * Math.cos(a), 0.6 - 2.5 * Math.sin(a)]);
  }
  return mixture(points, 0.16);
}

export const GMM_PRESETS: ReadonlyArray<{ id: string; label: string; description: string; spec: () => GmmSpec }> = [
  { id: 'gmm:ring8', label: 'Ring of 8', description: '8 Gaussians on a circle of radius 4 (std 0.35)', spec: ring8 },
  {
    id: 'gmm:checkerboard',
    label: 'Checkerboard',
    description: '8 squares of a 4×4 board, 72 components',
    spec: checkerboard,
  },
  { id: 'gmm:spiral', label: 'Spiral', description: 'A 1.75-turn spiral of 48 components', spec: spiral },
  { id: 'gmm:moons', label: 'Two moons', description: 'Two interleaved half-moons, 64 components', spec: moons },
];
