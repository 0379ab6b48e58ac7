/**
 * Registry-ready metadata for the catalogue samplers and schedules (the sampler-catalogue issue), kept apart from
 * ./index.ts and ./types.ts while those are being refactored: each entry names its builder, its NFE formula, whether
 * it is stochastic, its citation and its options (default and range), for the lead to register.
 */
import type { Plan } from '../plan';
import type { ScheduleOptions } from '../schedules';
import { beta, exponential, klOptimal, polyexponential, simple, vp } from '../schedules-extra';
import { buildDeis, DEIS_DEFAULTS } from './deis';
import { buildDpm2 } from './dpm-2';
import { buildDpm2Ancestral, DPM_2_ANCESTRAL_DEFAULTS } from './dpm-2-ancestral';
import { buildDpmpp2mSde, DPMPP_2M_SDE_DEFAULTS } from './dpmpp-2m-sde';
import { buildDpmpp2sAncestral, DPMPP_2S_ANCESTRAL_DEFAULTS } from './dpmpp-2s-ancestral';
import { buildDpmpp3mSde, DPMPP_3M_SDE_DEFAULTS } from './dpmpp-3m-sde';
import { buildDpmppSde, DPMPP_SDE_DEFAULTS } from './dpmpp-sde';
import { buildEulerAncestral, EULER_ANCESTRAL_DEFAULTS } from './euler-ancestral';
import { buildLms, LMS_DEFAULTS } from './lms';
import { buildUniPc, UNIPC_DEFAULTS } from './unipc';

/** One option: a number in [min, max] (integers when `integer`), or one of `choices`. */
type CatalogueOption =
  | { key: string; default: number; min: number; max: number; integer?: boolean; label: string }
  | { key: string; default: string | boolean; choices: readonly (string | boolean)[]; label: string };

export interface CatalogueSampler {
  id: string;
  label: string;
  nfe: (steps: number) => number;
  stochastic: boolean;
  citation: string;
  options: readonly CatalogueOption[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each builder takes its own options type
  build: (sigmas: Float64Array, options?: any) => Plan;
}

const eta = (d: number): CatalogueOption => ({ key: 'eta', default: d, min: 0, max: 1, label: 'η (noise)' });
const sNoise = (d: number): CatalogueOption => ({ key: 'sNoise', default: d, min: 0, max: 2, label: 's_noise' });

export const CATALOGUE_SAMPLERS: readonly CatalogueSampler[] = [
  {
    id: 'euler_ancestral',
    label: 'Euler ancestral',
    nfe: (n) => n,
    stochastic: true,
    build: buildEulerAncestral,
    citation: 'k-diffusion sample_euler_ancestral (ancestral sampling with Euler steps)',
    options: [eta(EULER_ANCESTRAL_DEFAULTS.eta), sNoise(EULER_ANCESTRAL_DEFAULTS.sNoise)],
  },
  {
    id: 'dpm_2',
    label: 'DPM-Solver-2',
    nfe: (n) => 2 * n - 1,
    stochastic: false,
    build: buildDpm2,
    citation: 'Lu et al. 2022, DPM-Solver-2 (midpoint in log σ); k-diffusion sample_dpm_2',
    options: [],
  },
  {
    id: 'dpm_2_ancestral',
    label: 'DPM-Solver-2 ancestral',
    nfe: (n) => 2 * n - 1,
    stochastic: true,
    build: buildDpm2Ancestral,
    citation: 'k-diffusion sample_dpm_2_ancestral (ancestral sampling with DPM-Solver-2 steps)',
    options: [eta(DPM_2_ANCESTRAL_DEFAULTS.eta), sNoise(DPM_2_ANCESTRAL_DEFAULTS.sNoise)],
  },
  {
    id: 'lms',
    label: 'LMS',
    nfe: (n) => n,
    stochastic: false,
    build: buildLms,
    citation: 'k-diffusion sample_lms (linear multistep in σ, Lagrange coefficients integrated exactly)',
    options: [{ key: 'order', default: LMS_DEFAULTS.order, min: 1, max: 4, integer: true, label: 'order' }],
  },
  {
    id: 'dpmpp_2s_ancestral',
    label: 'DPM++(2S) ancestral',
    nfe: (n) => 2 * n - 1,
    stochastic: true,
    build: buildDpmpp2sAncestral,
    citation: 'Lu et al. 2022, DPM-Solver++(2S); k-diffusion sample_dpmpp_2s_ancestral',
    options: [eta(DPMPP_2S_ANCESTRAL_DEFAULTS.eta), sNoise(DPMPP_2S_ANCESTRAL_DEFAULTS.sNoise)],
  },
  {
    id: 'dpmpp_sde',
    label: 'DPM++ SDE',
    nfe: (n) => 2 * n - 1,
    stochastic: true,
    build: buildDpmppSde,
    citation: 'Lu et al. 2022, DPM-Solver++ (stochastic); k-diffusion sample_dpmpp_sde',
    options: [
      eta(DPMPP_SDE_DEFAULTS.eta),
      sNoise(DPMPP_SDE_DEFAULTS.sNoise),
      { key: 'r', default: DPMPP_SDE_DEFAULTS.r, min: 0.01, max: 0.99, label: 'r (intermediate λ)' },
    ],
  },
  {
    id: 'dpmpp_2m_sde',
    label: 'DPM++(2M) SDE',
    nfe: (n) => n,
    stochastic: true,
    build: buildDpmpp2mSde,
    citation: 'Lu et al. 2022, SDE-DPM-Solver++(2M); k-diffusion sample_dpmpp_2m_sde',
    options: [
      eta(DPMPP_2M_SDE_DEFAULTS.eta),
      sNoise(DPMPP_2M_SDE_DEFAULTS.sNoise),
      {
        key: 'solverType',
        default: DPMPP_2M_SDE_DEFAULTS.solverType,
        choices: ['midpoint', 'heun'],
        label: 'solver type',
      },
    ],
  },
  {
    id: 'dpmpp_3m_sde',
    label: 'DPM++(3M) SDE',
    nfe: (n) => n,
    stochastic: true,
    build: buildDpmpp3mSde,
    citation: 'Lu et al. 2022, DPM-Solver++(3M) SDE; k-diffusion sample_dpmpp_3m_sde',
    options: [eta(DPMPP_3M_SDE_DEFAULTS.eta), sNoise(DPMPP_3M_SDE_DEFAULTS.sNoise)],
  },
  {
    id: 'unipc',
    label: 'UniPC',
    nfe: (n) => n,
    stochastic: false,
    build: buildUniPc,
    citation: 'Zhao et al. 2023 (NeurIPS), UniPC (UniP + UniC, data prediction); zju-pi/diff-sampler',
    options: [
      { key: 'order', default: UNIPC_DEFAULTS.order, min: 1, max: 3, integer: true, label: 'order' },
      { key: 'variant', default: UNIPC_DEFAULTS.variant, choices: ['bh1', 'bh2'], label: 'B(h)' },
      {
        key: 'lowerOrderFinal',
        default: UNIPC_DEFAULTS.lowerOrderFinal,
        choices: [true, false],
        label: 'lower order at the end',
      },
    ],
  },
  {
    id: 'deis',
    label: 'DEIS (tAB)',
    nfe: (n) => n,
    stochastic: false,
    build: buildDeis,
    citation: 'Zhang & Chen 2023 (ICLR), DEIS time-based Adams–Bashforth; zju-pi/diff-sampler',
    options: [{ key: 'order', default: DEIS_DEFAULTS.order, min: 1, max: 3, integer: true, label: 'order' }],
  },
];

export interface CatalogueSchedule {
  id: string;
  label: string;
  citation: string;
  build: (steps: number, options: ScheduleOptions) => Float64Array;
}

export const CATALOGUE_SCHEDULES: readonly CatalogueSchedule[] = [
  {
    id: 'exponential',
    label: 'Exponential (= LogSNR)',
    citation: 'k-diffusion get_sigmas_exponential',
    build: exponential,
  },
  {
    id: 'polyexponential',
    label: 'Polyexponential',
    citation: 'k-diffusion get_sigmas_polyexponential (ρ from options; k-diffusion default 1)',
    build: polyexponential,
  },
  {
    id: 'vp',
    label: 'VP',
    citation: 'k-diffusion get_sigmas_vp (β_d 19.9, β_min 0.1, ε_s 1e−3; ignores σ_max/σ_min)',
    build: (n, o) => vp(n, o),
  },
  { id: 'simple', label: 'Simple', citation: 'ComfyUI simple: uniform in RF time t = σ/(1+σ)', build: simple },
  {
    id: 'beta',
    label: 'Beta',
    citation: 'ComfyUI beta (Lee et al. 2024): RF time at Beta(0.6, 0.6) quantiles',
    build: (n, o) => beta(n, o),
  },
  {
    id: 'kl_optimal',
    label: 'KL-optimal',
    citation: 'Sabour et al. 2024 (Align Your Steps), ComfyUI kl_optimal',
    build: klOptimal,
  },
];
