/** AMED steps written straight from zju-pi/diff-sampler solvers_amed.py (amed_sampler and the euler, dpm_2 and
 *  ipndm plugins), in float64, with the (r, c) per step given. Independent of src/sampling/amed. */
import type { CpuDenoiser } from '../../src/sampling/denoiser';

type Vec = Float64Array<ArrayBufferLike>;
const AB = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];

export function amedTextbook(
  den: CpuDenoiser,
  variant: 'solver' | 'euler' | 'dpm2' | 'ipndm',
  afs: boolean,
  sigmas: ArrayLike<number>,
  params: Array<{ r: number; c: number }>,
  z: ArrayLike<number>,
): Vec {
  const D = (x: Vec, s: number) => {
    const out = new Float64Array(x.length);
    den.denoise(x, new Float64Array(x.length / den.dim).fill(s), out);
    return out;
  };
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  const buffer: Vec[] = [];
  const push = (d: Vec) => {
    buffer.push(d);
    if (buffer.length > 3) buffer.shift();
  };
  const ab = (d: Vec) => {
    const order = Math.min(4, buffer.length + 1);
    const w = AB[order - 1];
    return d.map((v, k) => w[0] * v + w.slice(1).reduce((acc, a, j) => acc + a * buffer[buffer.length - 1 - j][k], 0));
  };
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const [t, tn] = [sigmas[i], sigmas[i + 1]];
    const { r, c } = params[i];
    let d: Vec;
    if (afs && i === 0) d = x.map((v) => v / Math.sqrt(1 + t * t));
    else {
      const Dx = D(x, t);
      d = x.map((v, k) => (v - Dx[k]) / t);
    }
    const s = tn ** r * t ** (1 - r);
    if (variant === 'ipndm') {
      const dir = ab(d);
      const y = x.map((v, k) => v + (s - t) * dir[k]);
      push(d);
      const Dy = D(y, s);
      const dm = y.map((v, k) => (v - Dy[k]) / s);
      const dir2 = ab(dm);
      x = y.map((v, k) => v + c * (tn - s) * dir2[k]);
      push(dm);
      continue;
    }
    const y = x.map((v, k) => v + (s - t) * d[k]);
    const Dy = D(y, s);
    const dm = y.map((v, k) => (v - Dy[k]) / s);
    if (variant === 'solver') x = x.map((v, k) => v + c * (tn - t) * dm[k]);
    else if (variant === 'euler') x = y.map((v, k) => v + c * (tn - s) * dm[k]);
    else x = x.map((v, k) => v + c * (tn - t) * ((1 / (2 * r)) * dm[k] + (1 - 1 / (2 * r)) * d[k]));
  }
  return x;
}
