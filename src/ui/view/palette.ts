/**
 * Colours of the 2D view, and the float64 reference of the heatmap's colour scale (shaders/view/heatmap.wgsl),
 * so the shader is tested against the same numbers it is given.
 */
import { logWeights, type GmmSpec } from '../../worlds/gmm';

export type Rgba = [number, number, number, number];

/** Dark blue → teal → green → pale yellow: monotone in lightness, so density reads without a legend. */
export const HEATMAP_STOPS: readonly Rgba[] = [
  [0.043, 0.051, 0.118, 1],
  [0.106, 0.333, 0.431, 1],
  [0.357, 0.647, 0.486, 1],
  [0.953, 0.925, 0.706, 1],
];

/** Nats below the top of the scale that still get colour. */
export const HEATMAP_RANGE = 12;

/** The final samples x_0 (orange), and in step view x_t (orange) with D(x_t) (cyan). */
export const SAMPLE_COLOR: Rgba = [1, 0.55, 0.15, 0.85];
export const DENOISED_COLOR: Rgba = [0.35, 0.85, 1, 0.85];
export const PATH_COLOR: Rgba = [1, 1, 1, 0.35];

/** An upper bound on log p: p(x) = Σ π_k N(x; μ_k, s_k² I) ≤ Σ π_k / (2π s_k²). Anchors the colour scale so
 *  the brightest colour means "as dense as this mixture can be", without reading the grid back. */
export function logDensityUpperBound(spec: GmmSpec): number {
  const logW = logWeights(spec);
  const terms = spec.stds.map((s, k) => logW[k] - Math.log(2 * Math.PI * s * s));
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - max), 0));
}

/** The heatmap colour of a log-density value, as heatmap.wgsl computes it. */
export function heatmapColor(
  logDensity: number,
  top: number,
  range: number,
  stops: readonly Rgba[] = HEATMAP_STOPS,
): Rgba {
  const t = Math.min(1, Math.max(0, (logDensity - top) / range + 1));
  const s = t * (stops.length - 1);
  const i = Math.min(Math.floor(s), stops.length - 2);
  const f = s - i;
  return stops[i].map((c, k) => c + (stops[i + 1][k] - c) * f) as Rgba;
}
