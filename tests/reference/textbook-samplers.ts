/**
 * Independent float64 samplers written straight from the papers' loops (EDM Alg. 1/2, k-diffusion
 * sample_dpmpp_2m, diff-sampler iPNDM), with no plan machinery. The plan compiler, the CPU executor and the GPU
 * are all checked against these.
 */
import type { CpuDenoiser } from '../../src/sampling/denoiser';

type Vec = Float64Array<ArrayBufferLike>;

function evalD(den: CpuDenoiser, x: Vec, sigma: number): Vec {
  const out = new Float64Array(x.length);
  den.denoise(x, new Float64Array(x.length / den.dim).fill(sigma), out);
  return out;
}
const axpy = (a: Vec, b: Vec, f: (p: number, q: number) => number): Vec => a.map((v, i) => f(v, b[i]));

export function eulerTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>): Vec {
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const D = evalD(den, x, sigmas[i]);
    const d = axpy(x, D, (p, q) => (p - q) / sigmas[i]);
    x = axpy(x, d, (p, q) => p + (sigmas[i + 1] - sigmas[i]) * q);
  }
  return x;
}

export function heunTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>): Vec {
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const [t, tn] = [sigmas[i], sigmas[i + 1]];
    const D = evalD(den, x, t);
    const d = axpy(x, D, (p, q) => (p - q) / t);
    const xNext = axpy(x, d, (p, q) => p + (tn - t) * q);
    if (tn === 0) {
      x = xNext;
      continue;
    }
    const D2 = evalD(den, xNext, tn);
    const d2 = axpy(xNext, D2, (p, q) => (p - q) / tn);
    x = x.map((v, k) => v + (tn - t) * (0.5 * d[k] + 0.5 * d2[k]));
  }
  return x;
}

export function dpmpp2mTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>): Vec {
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  let old: Vec | null = null;
  const tOf = (s: number) => -Math.log(s);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const D = evalD(den, x, sigmas[i]);
    if (sigmas[i + 1] === 0) {
      x = D;
    } else {
      const h = tOf(sigmas[i + 1]) - tOf(sigmas[i]);
      let Dd = D;
      if (old) {
        const r = (tOf(sigmas[i]) - tOf(sigmas[i - 1])) / h;
        const o = old;
        Dd = D.map((v, k) => (1 + 1 / (2 * r)) * v - (1 / (2 * r)) * o[k]);
      }
      x = x.map((v, k) => (sigmas[i + 1] / sigmas[i]) * v - Math.expm1(-h) * Dd[k]);
    }
    old = D;
  }
  return x;
}

export function ipndmTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>, maxOrder = 4): Vec {
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  const history: Vec[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const D = evalD(den, x, sigmas[i]);
    const d = axpy(x, D, (p, q) => (p - q) / sigmas[i]);
    const h = sigmas[i + 1] - sigmas[i];
    const b = history;
    const order = Math.min(maxOrder, i + 1);
    x = x.map((v, k) => {
      if (order === 1) return v + h * d[k];
      if (order === 2) return v + (h * (3 * d[k] - b[b.length - 1][k])) / 2;
      if (order === 3) return v + (h * (23 * d[k] - 16 * b[b.length - 1][k] + 5 * b[b.length - 2][k])) / 12;
      return v + (h * (55 * d[k] - 59 * b[b.length - 1][k] + 37 * b[b.length - 2][k] - 9 * b[b.length - 3][k])) / 24;
    });
    history.push(d);
    if (history.length > 3) history.shift();
  }
  return x;
}

/** η-SDE with the increments supplied by the caller (xi[i] is the standard normal for step i, count × dim). */
export function sdeTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  eta: number,
  xi: (step: number) => ArrayLike<number>,
): Vec {
  let x: Vec = Float64Array.from(z, (v) => v * sigmas[0]);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const [s, sn] = [sigmas[i], sigmas[i + 1]];
    const D = evalD(den, x, s);
    if (sn === 0) {
      x = D;
      continue;
    }
    const noise = xi(i);
    x = x.map(
      (v, k) => v + (1 + eta * eta) * (sn - s) * ((v - D[k]) / s) + eta * Math.sqrt(2 * s * (s - sn)) * noise[k],
    );
  }
  return x;
}

/** Exact probability-flow solution for a single Gaussian N(μ, s²I): x(σ) − μ scales with √(s² + σ²); then the
 *  final D(x; σ_min) as every sampler's last step does. */
export function gaussianExact(mu: number[], s: number, sigmaMax: number, sigmaMin: number, z: ArrayLike<number>): Vec {
  const dim = mu.length;
  const scale = Math.sqrt(s * s + sigmaMin * sigmaMin) / Math.sqrt(s * s + sigmaMax * sigmaMax);
  return Float64Array.from(z, (v, k) => {
    const xMin = mu[k % dim] + (sigmaMax * v - mu[k % dim]) * scale;
    return (s * s * xMin + sigmaMin * sigmaMin * mu[k % dim]) / (s * s + sigmaMin * sigmaMin);
  });
}
