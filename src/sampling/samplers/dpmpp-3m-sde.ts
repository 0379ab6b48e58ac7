import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';

export interface Dpmpp3mSdeOptions {
  /** Noise strength, [0, 1]: 0 is the ODE DPM-Solver++(3M), 1 the SDE. */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
}

const DPMPP_3M_SDE_DEFAULTS: Dpmpp3mSdeOptions = { eta: 1, sNoise: 1 };

/**
 * DPM-Solver++(3M) SDE (Lu et al. 2022, third-order multistep; k-diffusion sample_dpmpp_3m_sde). With λ = −log σ,
 * h = λ_{i+1} − λ_i, h_η = (1 + η)h, φ₂ = expm1(−h_η)/h_η + 1, φ₃ = φ₂/h_η − ½:
 *   x_{i+1} = e^{−h_η}·x_i − expm1(−h_η)·D_i + φ₂·d₁ − φ₃·d₂ + s_noise·σ_{i+1}·√(−expm1(−2ηh))·ξ_i,
 * where, with r₀ = h_{i−1}/h, r₁ = h_{i−2}/h, d₁₀ = (D_i − D_{i−1})/r₀, d₁₁ = (D_{i−1} − D_{i−2})/r₁:
 *   d₁ = d₁₀ + (d₁₀ − d₁₁)·r₀/(r₀ + r₁), d₂ = (d₁₀ − d₁₁)/(r₀ + r₁)   (two previous D's);
 *   d₁ = (D_i − D_{i−1})/r₀, d₂ = 0   (one previous D: the second step); nothing on the first step.
 * The step to σ = 0 returns D_i. NFE = N. The three D's rotate through three registers.
 */
export function buildDpmpp3mSde(sigmas: Float64Array, options: Partial<Dpmpp3mSdeOptions> = {}): Plan {
  const { eta, sNoise } = { ...DPMPP_3M_SDE_DEFAULTS, ...options };
  checkRange('dpmpp_3m_sde', 'eta', eta, 0, 1);
  checkRange('dpmpp_3m_sde', 'sNoise', sNoise, 0, 2);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const lambda = (sigma: number) => -Math.log(sigma);
  const slot = (i: number) => `D${i % 3}`;
  let h1: number | null = null; // h of the previous step
  let h2: number | null = null; // and of the one before
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const [d0, dm1, dm2] = [slot(i), slot(i + 2), slot(i + 1)]; // D_i, D_{i−1}, D_{i−2}
    plan.denoise('x', s, d0).record(i, 'x', d0);
    if (sNext === 0) {
      plan.combine('x', [[d0, 1]]);
      continue;
    }
    const h = lambda(sNext) - lambda(s);
    const hEta = h * (eta + 1);
    const terms = new Map<string, number>([
      ['x', Math.exp(-hEta)],
      [d0, -Math.expm1(-hEta)],
    ]);
    const add = (reg: string, c: number) => terms.set(reg, (terms.get(reg) ?? 0) + c);
    const phi2 = Math.expm1(-hEta) / hEta + 1;
    if (h2 !== null && h1 !== null) {
      const [r0, r1] = [h1 / h, h2 / h];
      const phi3 = phi2 / hEta - 0.5;
      // d1_0 = (D0 − D1)/r0, d1_1 = (D1 − D2)/r1; d1 = d1_0 + (d1_0 − d1_1)·r0/(r0 + r1); d2 = (d1_0 − d1_1)/(r0 + r1).
      const g = r0 / (r0 + r1);
      const e = 1 / (r0 + r1);
      // As linear forms in (D0, D1, D2): d1_0 = [1/r0, −1/r0, 0], d1_1 = [0, 1/r1, −1/r1].
      const d10 = [1 / r0, -1 / r0, 0];
      const d11 = [0, 1 / r1, -1 / r1];
      const d1 = d10.map((v, k) => v + (v - d11[k]) * g);
      const d2 = d10.map((v, k) => (v - d11[k]) * e);
      [d0, dm1, dm2].forEach((reg, k) => add(reg, phi2 * d1[k] - phi3 * d2[k]));
    } else if (h1 !== null) {
      const r = h1 / h;
      add(d0, phi2 / r);
      add(dm1, -phi2 / r);
    }
    const noise =
      eta > 0 ? brownianNoise(sNoise * sNext * Math.sqrt(-Math.expm1(-2 * h * eta)), s, sNext, sigmas[0]) : undefined;
    plan.combine('x', [...terms.entries()], noise);
    [h1, h2] = [h, h1];
  }
  return plan.record(steps, 'x', 'x').build();
}

export const DPMPP_3M_SDE: SamplerInfo = {
  id: 'dpmpp_3m_sde',
  label: 'DPM++(3M) SDE',
  a1111: 'DPM++ 3M SDE',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION],
  nfe: (n) => n,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDpmpp3mSde(sigmas, options as Partial<Dpmpp3mSdeOptions>),
  citation: 'Lu et al. 2022, DPM-Solver++(3M) SDE; k-diffusion sample_dpmpp_3m_sde',
};
