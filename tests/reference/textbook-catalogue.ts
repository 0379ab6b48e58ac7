/**
 * Independent float64 loops for the sampler catalogue, written from k-diffusion sampling.py and zju-pi/diff-sampler
 * (solvers.py, solver_utils.py) line by line on whole vectors, with no plan machinery and none of the builders'
 * helpers. The stochastic ones draw noise through the exported Brownian helper: ξ for σ → σ' is
 * brownianIncrement(σ/σ_0, σ'/σ_0, seed, sample, element), σ_0 = sigmas[0] (k-diffusion's noise_sampler(σ, σ')).
 */
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { brownianIncrement } from '../../src/sampling/noise';

type Vec = Float64Array<ArrayBufferLike>;

function model(den: CpuDenoiser, x: Vec, sigma: number): Vec {
  const out = new Float64Array(x.length);
  den.denoise(x, new Float64Array(x.length / den.dim).fill(sigma), out);
  return out;
}
const toD = (x: Vec, sigma: number, denoised: Vec): Vec => x.map((v, k) => (v - denoised[k]) / sigma);
const start = (sigmas: ArrayLike<number>, z: ArrayLike<number>): Vec => Float64Array.from(z, (v) => v * sigmas[0]);

/** k-diffusion noise_sampler(σ, σ') on our Brownian path. */
function noiseSampler(den: CpuDenoiser, length: number, sigma0: number, seed: number) {
  return (sigma: number, sigmaNext: number): Vec =>
    Float64Array.from({ length }, (_, k) =>
      brownianIncrement(sigma / sigma0, sigmaNext / sigma0, seed, Math.floor(k / den.dim), k % den.dim),
    );
}

function getAncestralStep(sigmaFrom: number, sigmaTo: number, eta: number): [number, number] {
  if (!eta) return [sigmaTo, 0];
  const sigmaUp = Math.min(sigmaTo, eta * Math.sqrt((sigmaTo ** 2 * (sigmaFrom ** 2 - sigmaTo ** 2)) / sigmaFrom ** 2));
  return [Math.sqrt(sigmaTo ** 2 - sigmaUp ** 2), sigmaUp];
}

export interface Stochastic {
  eta: number;
  sNoise: number;
  seed: number;
}

export function eulerAncestralTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    const [sigmaDown, sigmaUp] = getAncestralStep(sigmas[i], sigmas[i + 1], eta);
    const d = toD(x, sigmas[i], denoised);
    const dt = sigmaDown - sigmas[i];
    x = x.map((v, k) => v + d[k] * dt);
    if (sigmas[i + 1] > 0) {
      const n = noise(sigmas[i], sigmas[i + 1]);
      x = x.map((v, k) => v + n[k] * sNoise * sigmaUp);
    }
  }
  return x;
}

export function dpm2Textbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>): Vec {
  let x = start(sigmas, z);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    const d = toD(x, sigmas[i], denoised);
    if (sigmas[i + 1] === 0) {
      x = x.map((v, k) => v + d[k] * (sigmas[i + 1] - sigmas[i]));
    } else {
      const sigmaMid = Math.sqrt(sigmas[i] * sigmas[i + 1]);
      const x2 = x.map((v, k) => v + d[k] * (sigmaMid - sigmas[i]));
      const d2 = toD(x2, sigmaMid, model(den, x2, sigmaMid));
      x = x.map((v, k) => v + d2[k] * (sigmas[i + 1] - sigmas[i]));
    }
  }
  return x;
}

export function dpm2AncestralTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    const [sigmaDown, sigmaUp] = getAncestralStep(sigmas[i], sigmas[i + 1], eta);
    const d = toD(x, sigmas[i], denoised);
    if (sigmaDown === 0) {
      x = x.map((v, k) => v + d[k] * (sigmaDown - sigmas[i]));
    } else {
      const sigmaMid = Math.sqrt(sigmas[i] * sigmaDown);
      const x2 = x.map((v, k) => v + d[k] * (sigmaMid - sigmas[i]));
      const d2 = toD(x2, sigmaMid, model(den, x2, sigmaMid));
      const n = noise(sigmas[i], sigmas[i + 1]);
      x = x.map((v, k) => v + d2[k] * (sigmaDown - sigmas[i]) + n[k] * sNoise * sigmaUp);
    }
  }
  return x;
}

/** 4-point Gauss–Legendre on [a, b]: exact for the cubic Lagrange basis polynomials of order ≤ 4. */
function gauss4(f: (s: number) => number, a: number, b: number): number {
  const p = Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5));
  const q = Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5));
  const wp = (18 + Math.sqrt(30)) / 36;
  const wq = (18 - Math.sqrt(30)) / 36;
  const [c, r] = [(a + b) / 2, (b - a) / 2];
  return r * (wp * (f(c - r * p) + f(c + r * p)) + wq * (f(c - r * q) + f(c + r * q)));
}

export function lmsTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>, order = 4): Vec {
  let x = start(sigmas, z);
  const ds: Vec[] = [];
  const coeff = (cur: number, i: number, j: number) =>
    gauss4(
      (tau) => {
        let prod = 1;
        for (let k = 0; k < cur; k++) if (k !== j) prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
        return prod;
      },
      sigmas[i],
      sigmas[i + 1],
    );
  for (let i = 0; i < sigmas.length - 1; i++) {
    ds.push(toD(x, sigmas[i], model(den, x, sigmas[i])));
    if (ds.length > order) ds.shift();
    const cur = Math.min(i + 1, order);
    const reversed = [...ds].reverse();
    for (let j = 0; j < cur; j++) {
      const c = coeff(cur, i, j);
      x = x.map((v, k) => v + c * reversed[j][k]);
    }
  }
  return x;
}

export function dpmpp2sAncestralTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  const sigmaFn = (t: number) => Math.exp(-t);
  const tFn = (s: number) => -Math.log(s);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    const [sigmaDown, sigmaUp] = getAncestralStep(sigmas[i], sigmas[i + 1], eta);
    if (sigmaDown === 0) {
      const d = toD(x, sigmas[i], denoised);
      x = x.map((v, k) => v + d[k] * (sigmaDown - sigmas[i]));
    } else {
      const [t, tNext] = [tFn(sigmas[i]), tFn(sigmaDown)];
      const h = tNext - t;
      const s = t + 0.5 * h;
      const x2 = x.map((v, k) => (sigmaFn(s) / sigmaFn(t)) * v - Math.expm1(-h * 0.5) * denoised[k]);
      const denoised2 = model(den, x2, sigmaFn(s));
      x = x.map((v, k) => (sigmaFn(tNext) / sigmaFn(t)) * v - Math.expm1(-h) * denoised2[k]);
    }
    if (sigmas[i + 1] > 0) {
      const n = noise(sigmas[i], sigmas[i + 1]);
      x = x.map((v, k) => v + n[k] * sNoise * sigmaUp);
    }
  }
  return x;
}

export function dpmppSdeTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
  r = 0.5,
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  const sigmaFn = (t: number) => Math.exp(-t);
  const tFn = (s: number) => -Math.log(s);
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    if (sigmas[i + 1] === 0) {
      const d = toD(x, sigmas[i], denoised);
      x = x.map((v, k) => v + d[k] * (sigmas[i + 1] - sigmas[i]));
      continue;
    }
    const [t, tNext] = [tFn(sigmas[i]), tFn(sigmas[i + 1])];
    const h = tNext - t;
    const s = t + h * r;
    const fac = 1 / (2 * r);
    let [sd, su] = getAncestralStep(sigmaFn(t), sigmaFn(s), eta);
    const s_ = tFn(sd);
    const n1 = noise(sigmaFn(t), sigmaFn(s));
    const x2 = x.map((v, k) => (sigmaFn(s_) / sigmaFn(t)) * v - Math.expm1(t - s_) * denoised[k] + n1[k] * sNoise * su);
    const denoised2 = model(den, x2, sigmaFn(s));
    [sd, su] = getAncestralStep(sigmaFn(t), sigmaFn(tNext), eta);
    const tNext_ = tFn(sd);
    const n2 = noise(sigmaFn(t), sigmaFn(tNext));
    x = x.map((v, k) => {
      const denoisedD = (1 - fac) * denoised[k] + fac * denoised2[k];
      return (sigmaFn(tNext_) / sigmaFn(t)) * v - Math.expm1(t - tNext_) * denoisedD + n2[k] * sNoise * su;
    });
  }
  return x;
}

export function dpmpp2mSdeTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
  solverType: 'midpoint' | 'heun' = 'midpoint',
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  let oldDenoised: Vec | null = null;
  let hLast = 0;
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    let h = 0;
    if (sigmas[i + 1] === 0) {
      x = denoised;
    } else {
      const [t, s] = [-Math.log(sigmas[i]), -Math.log(sigmas[i + 1])];
      h = s - t;
      const etaH = eta * h;
      x = x.map((v, k) => (sigmas[i + 1] / sigmas[i]) * Math.exp(-etaH) * v + -Math.expm1(-h - etaH) * denoised[k]);
      if (oldDenoised) {
        const r = hLast / h;
        const old = oldDenoised;
        if (solverType === 'heun')
          x = x.map((v, k) => v + (-Math.expm1(-h - etaH) / (-h - etaH) + 1) * (1 / r) * (denoised[k] - old[k]));
        else x = x.map((v, k) => v + 0.5 * -Math.expm1(-h - etaH) * (1 / r) * (denoised[k] - old[k]));
      }
      if (eta) {
        const n = noise(sigmas[i], sigmas[i + 1]);
        x = x.map((v, k) => v + n[k] * sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise);
      }
    }
    oldDenoised = denoised;
    hLast = h;
  }
  return x;
}

export function dpmpp3mSdeTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  { eta, sNoise, seed }: Stochastic,
): Vec {
  let x = start(sigmas, z);
  const noise = noiseSampler(den, x.length, sigmas[0], seed);
  let [denoised1, denoised2]: [Vec | null, Vec | null] = [null, null];
  let [h1, h2]: [number | null, number | null] = [null, null];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    let h: number | null = null;
    if (sigmas[i + 1] === 0) {
      x = denoised;
    } else {
      const [t, s] = [-Math.log(sigmas[i]), -Math.log(sigmas[i + 1])];
      h = s - t;
      const hEta = h * (eta + 1);
      x = x.map((v, k) => Math.exp(-hEta) * v + -Math.expm1(-hEta) * denoised[k]);
      if (h2 !== null && h1 !== null && denoised1 && denoised2) {
        const [r0, r1] = [h1 / h, h2 / h];
        const [a, b] = [denoised1, denoised2];
        const phi2 = Math.expm1(-hEta) / hEta + 1;
        const phi3 = phi2 / hEta - 0.5;
        x = x.map((v, k) => {
          const d10 = (denoised[k] - a[k]) / r0;
          const d11 = (a[k] - b[k]) / r1;
          const d1 = d10 + ((d10 - d11) * r0) / (r0 + r1);
          const d2 = (d10 - d11) / (r0 + r1);
          return v + phi2 * d1 - phi3 * d2;
        });
      } else if (h1 !== null && denoised1) {
        const r = h1 / h;
        const a = denoised1;
        const phi2 = Math.expm1(-hEta) / hEta + 1;
        x = x.map((v, k) => v + phi2 * ((denoised[k] - a[k]) / r));
      }
      if (eta) {
        const n = noise(sigmas[i], sigmas[i + 1]);
        x = x.map((v, k) => v + n[k] * sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * h! * eta)) * sNoise);
      }
    }
    [denoised1, denoised2] = [denoised, denoised1];
    [h1, h2] = [h, h1];
  }
  return x;
}

/** Cramer's rule for the ≤ 3×3 systems of UniPC (the builder eliminates; this checks it independently). */
function cramer(a: number[][], b: number[]): number[] {
  const det = (m: number[][]): number =>
    m.length === 1
      ? m[0][0]
      : m.length === 2
        ? m[0][0] * m[1][1] - m[0][1] * m[1][0]
        : m[0].reduce(
            (acc, v, c) => acc + (c % 2 ? -1 : 1) * v * det(m.slice(1).map((row) => row.filter((_, k) => k !== c))),
            0,
          );
  const d = det(a);
  return b.map((_, c) => det(a.map((row, r) => row.map((v, k) => (k === c ? b[r] : v)))) / d);
}

/** diff-sampler unipc_update (predict_x0) on vectors: returns [x_t, model_t]. */
function unipcUpdate(
  den: CpuDenoiser,
  x: Vec,
  modelPrev: Vec[],
  tPrev: number[],
  t: number,
  order: number,
  variant: 'bh1' | 'bh2',
  useCorrector: boolean,
): [Vec, Vec | null] {
  const tPrev0 = tPrev[tPrev.length - 1];
  const lambdaPrev0 = -Math.log(tPrev0);
  const lambdaT = -Math.log(t);
  const modelPrev0 = modelPrev[modelPrev.length - 1];
  const h = lambdaT - lambdaPrev0;
  const rks: number[] = [];
  const D1s: Vec[] = [];
  for (let i = 1; i < order; i++) {
    const rk = (-Math.log(tPrev[tPrev.length - 1 - i]) - lambdaPrev0) / h;
    rks.push(rk);
    const mi = modelPrev[modelPrev.length - 1 - i];
    D1s.push(mi.map((v, k) => (v - modelPrev0[k]) / rk));
  }
  rks.push(1);
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorialI = 1;
  const Bh = variant === 'bh1' ? hh : Math.expm1(hh);
  const R: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    R.push(rks.map((r) => Math.pow(r, i - 1)));
    b.push((hPhiK * factorialI) / Bh);
    factorialI *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorialI;
  }
  let rhosP: number[] = [];
  if (D1s.length > 0)
    rhosP =
      order === 2
        ? [0.5]
        : cramer(
            R.slice(0, -1).map((row) => row.slice(0, -1)),
            b.slice(0, -1),
          );
  const rhosC = order === 1 ? [0.5] : cramer(R, b);
  const xT_ = x.map((v, k) => (t / tPrev0) * v - hPhi1 * modelPrev0[k]);
  let xT = xT_.map((v, k) => v - Bh * D1s.reduce((acc, D1, j) => acc + rhosP[j] * D1[k], 0));
  let modelT: Vec | null = null;
  if (useCorrector) {
    const m = model(den, xT, t);
    modelT = m;
    xT = xT_.map(
      (v, k) =>
        v -
        Bh * (D1s.reduce((acc, D1, j) => acc + rhosC[j] * D1[k], 0) + rhosC[rhosC.length - 1] * (m[k] - modelPrev0[k])),
    );
  }
  return [xT, modelT];
}

/** diff-sampler unipc_sampler (predict_x0, no thresholding) on t_steps = sigmas without the final 0, the corrector
 *  skipped on the last step (see ../../src/sampling/samplers/unipc.ts), then denoise_to_zero. */
export function unipcTextbook(
  den: CpuDenoiser,
  sigmas: ArrayLike<number>,
  z: ArrayLike<number>,
  maxOrder = 3,
  variant: 'bh1' | 'bh2' = 'bh2',
  lowerOrderFinal = true,
): Vec {
  const tSteps = Array.from(sigmas).slice(0, -1);
  const numSteps = tSteps.length;
  let xNext = start(sigmas, z);
  let denoised = model(den, xNext, tSteps[0]);
  const bufferModel: Vec[] = [denoised];
  const bufferT: number[] = [tSteps[0]];
  for (let i = 0; i < numSteps - 1; i++) {
    const [xCur, tNext] = [xNext, tSteps[i + 1]];
    const useCorrector = i !== numSteps - 2;
    if (i + 1 < maxOrder) {
      const [xn, modelOut] = unipcUpdate(den, xCur, bufferModel, bufferT, tNext, i + 1, variant, useCorrector);
      xNext = xn;
      if (modelOut) bufferModel.push(modelOut);
      bufferT.push(tNext);
    } else {
      const order = lowerOrderFinal ? Math.min(maxOrder, numSteps - i - 1) : maxOrder;
      const [xn, modelOut] = unipcUpdate(den, xCur, bufferModel, bufferT, tNext, order, variant, useCorrector);
      xNext = xn;
      for (let k = 0; k < maxOrder - 1; k++) {
        bufferModel[k] = bufferModel[k + 1];
        bufferT[k] = bufferT[k + 1];
      }
      bufferT[bufferT.length - 1] = tNext;
      if (modelOut) bufferModel[bufferModel.length - 1] = modelOut;
    }
  }
  denoised = model(den, xNext, tSteps[numSteps - 1]);
  return denoised;
}

/** diff-sampler's DEIS time map (edm2t with σ_min = 0.002, σ_max = 80, ε_s = 1e−3) and tAB coefficients
 *  ∫ (dσ/dτ)·ℓ_j(τ) dτ over the VP time τ, here by graded composite Simpson (diff-sampler: 10⁴ rectangles). */
export function deisTextbook(den: CpuDenoiser, sigmas: ArrayLike<number>, z: ArrayLike<number>, maxOrder = 3): Vec {
  const [epsilonS, sigmaMin, sigmaMax] = [1e-3, 0.002, 80];
  // log(1 + σ²) as log1p(σ²): at σ = 0.002 the plain log(σ² + 1) of edm2t loses ~6 digits, far above 1e−12.
  const vpBetaD = (2 * (Math.log1p(sigmaMin ** 2) / epsilonS - Math.log1p(sigmaMax ** 2))) / (epsilonS - 1);
  const vpBetaMin = Math.log1p(sigmaMax ** 2) - 0.5 * vpBetaD;
  const [beta0, beta1] = [vpBetaMin, vpBetaD + vpBetaMin];
  const tOf = (sigma: number) =>
    (Math.sqrt(vpBetaMin ** 2 + 2 * vpBetaD * Math.log1p(sigma ** 2)) - vpBetaMin) / vpBetaD;
  // integrand = −½·dlogα/dτ / √(α(1−α)), α = exp(−½τ²(β1−β0) − τβ0): dlogα/dτ = −τ(β1−β0) − β0.
  const integrand = (tau: number) => {
    const logAlpha = -0.5 * tau * tau * (beta1 - beta0) - tau * beta0;
    // 1 − α as −expm1(log α): near σ_min, α ≈ 1 − 4e−6 and 1 − α would lose 11 digits.
    return (-0.5 * (-tau * (beta1 - beta0) - beta0)) / Math.sqrt(Math.exp(logAlpha) * -Math.expm1(logAlpha));
  };
  const tSteps = Array.from(sigmas).map((s) => (s > 0 ? tOf(s) : 0));
  const coeffs = (i: number, order: number) => {
    const prevT = Array.from({ length: order }, (_, k) => tSteps[i - k]);
    const [a, b] = [tSteps[i], tSteps[i + 1]];
    // Composite Simpson in sections whose ends differ by a factor ≤ 1.5 in τ (the integrand has a square-root
    // singularity at τ ≈ 2.7e−4, where σ = 0), 2000 panels each.
    const sections = Math.max(1, Math.ceil(Math.log(a / b) / Math.log(1.5)));
    return prevT.map((_, j) => {
      const f = (tau: number) => {
        let poly = 1;
        for (let k = 0; k < order; k++) if (k !== j) poly *= (tau - prevT[k]) / (prevT[j] - prevT[k]);
        return integrand(tau) * poly;
      };
      let total = 0;
      for (let q = 0; q < sections; q++) {
        const lo = a * (b / a) ** (q / sections);
        const hi = q === sections - 1 ? b : a * (b / a) ** ((q + 1) / sections);
        const panels = 2000;
        const width = (hi - lo) / panels;
        let sum = f(lo) + f(hi);
        for (let p = 1; p < 2 * panels; p++) sum += (p % 2 ? 4 : 2) * f(lo + (p * width) / 2);
        total += (sum * width) / 6;
      }
      return total;
    });
  };
  let x = start(sigmas, z);
  const buffer: Vec[] = [];
  for (let i = 0; i < sigmas.length - 1; i++) {
    const denoised = model(den, x, sigmas[i]);
    if (sigmas[i + 1] === 0) {
      x = denoised;
      break;
    }
    const d = toD(x, sigmas[i], denoised);
    const order = Math.min(maxOrder, i + 1);
    if (order === 1) {
      x = x.map((v, k) => v + (sigmas[i + 1] - sigmas[i]) * d[k]);
    } else {
      const c = coeffs(i, order);
      x = x.map(
        (v, k) => v + c[0] * d[k] + c.slice(1).reduce((acc, cj, j) => acc + cj * buffer[buffer.length - 1 - j][k], 0),
      );
    }
    buffer.push(d);
    if (buffer.length > maxOrder - 1) buffer.shift();
  }
  return x;
}
