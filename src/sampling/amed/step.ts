/**
 * One AMED step (Zhou et al., CVPR 2024, "Fast ODE-based Sampling for Diffusion Models in Around 5 Steps"), as
 * linear forms over named per-sample vectors, so the plan builder (GPU/CPU plans) and the calibration (which
 * evaluates candidate r on a batch) share one statement of the math. Mirrors zju-pi/diff-sampler solvers_amed.py.
 *
 * With t = t_n, t' = t_{n+1} and the mean-value time s = t'^r · t^{1−r}:
 *  - `solver` (AMED-Solver):  y = x + (s − t)·d;  x' = x + c·(t' − t)·d_s
 *  - `euler`  (AMED-Plugin):  y = x + (s − t)·d;  x' = y + c·(t' − s)·d_s
 *  - `dpm2`   (AMED-Plugin on DPM-Solver-2): y as above; x' = x + c·(t' − t)·((1/2r)·d_s + (1 − 1/2r)·d)
 *  - `ipndm`  (AMED-Plugin on iPNDM): both half-steps are Adams–Bashforth on the history of d's (newest first):
 *             y = x + (s − t)·AB(d, h…);  x' = y + c·(t' − s)·AB(d_s, d, h…)
 * where d = (x − D(x; t))/t (or x/√(1+t²) under AFS) and d_s = (y − D(y; s))/s.
 * The update is linear in c, which the closed-form calibration uses: x' = base + c·direction.
 */
import { ADAMS_BASHFORTH } from '../adams-bashforth';

export type AmedVariant = 'solver' | 'euler' | 'dpm2' | 'ipndm';

/** A linear combination of named vectors: 'x', 'y', 'd', 'ds', and 'h1'…'h3' (older derivatives, newest first). */
export type Form = Array<[string, number]>;

export interface StepForms {
  s: number;
  y: Form;
  base: Form;
  direction: Form;
  /** How many history entries the step reads (ipndm only). */
  historyUsed: number;
}

function meanValueTime(t: number, tNext: number, r: number): number {
  return tNext ** r * t ** (1 - r);
}

/** Adams–Bashforth of the newest derivative `newest` over available history names, order ≤ 4 (iPNDM warm start). */
function adamsBashforth(newest: string, history: string[]): Form {
  const names = [newest, ...history].slice(0, 4);
  return ADAMS_BASHFORTH[names.length - 1].map((a, j): [string, number] => [names[j], a]);
}

const scale = (form: Form, k: number): Form => form.map(([n, v]) => [n, v * k]);

/** `historyLength` counts derivatives already in the iPNDM buffer before this step. */
export function amedStepForms(variant: AmedVariant, t: number, tNext: number, r: number, historyLength = 0): StepForms {
  const s = meanValueTime(t, tNext, r);
  const hist = ['h1', 'h2', 'h3'].slice(0, Math.min(historyLength, 3));
  if (variant === 'ipndm') {
    const first = adamsBashforth('d', hist);
    const second = adamsBashforth('ds', ['d', ...hist]);
    return {
      s,
      y: [['x', 1], ...scale(first, s - t)],
      base: [['y', 1]],
      direction: scale(second, tNext - s),
      historyUsed: Math.min(hist.length + 1, 3),
    };
  }
  const y: Form = [
    ['x', 1],
    ['d', s - t],
  ];
  if (variant === 'euler') return { s, y, base: [['y', 1]], direction: [['ds', tNext - s]], historyUsed: 0 };
  if (variant === 'dpm2') {
    const h = tNext - t;
    return {
      s,
      y,
      base: [['x', 1]],
      direction: [
        ['ds', h / (2 * r)],
        ['d', h * (1 - 1 / (2 * r))],
      ],
      historyUsed: 0,
    };
  }
  return { s, y, base: [['x', 1]], direction: [['ds', tNext - t]], historyUsed: 0 };
}

/** Analytical first step (AMED §3.3): the first direction is x/√(1+t²), with no network call. */
export function afsDirectionScale(t: number): number {
  return 1 / Math.sqrt(1 + t * t);
}

/** NFE of N AMED steps: two evaluations per step, minus one when AFS replaces the first. */
export function amedNfe(steps: number, afs: boolean): number {
  return 2 * steps - (afs ? 1 : 0);
}
