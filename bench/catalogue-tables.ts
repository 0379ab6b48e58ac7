/**
 * The sampler catalogue on the four 2D presets, in float64 (the float64 executor on the same plans the GPU runs, so
 * the tables measure discretisation error, not f32 rounding): RMSE to the RK4 reference (1000 log-σ steps) at NFE
 * 3–50 for every ODE sampler on Karras, logSNR and time-uniform grids; mean log-likelihood and sliced W2 for the
 * stochastic ones (their paths leave the ODE's, so RMSE to it is not their error). Part of `npm run bench:engine`.
 */
import { mean, rmse, slicedW2 } from '../src/metrics/distances';
import { buildReferencePlan, FLOAT64_REFERENCE_STEPS } from '../src/metrics/reference';
import { initialNoise } from '../src/sampling/noise';
import { runPlanCpu } from '../src/sampling/run-cpu';
import { SAMPLERS, stepsForNfe, type SamplerInfo } from '../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, scheduleById } from '../src/sampling/schedules';
import { GMM_PRESETS } from '../src/worlds/gmm-presets';
import type { WorldRegistry } from '../src/worlds/registry';

const COUNT = 512;
const SEED = 3;
const BUDGETS = [3, 4, 5, 6, 8, 10, 15, 20, 30, 50];
const ODE_SCHEDULES = ['karras', 'logsnr', 'time_uniform'];
const STOCHASTIC_BUDGETS = [5, 10, 20, 50];

const defaults = (s: SamplerInfo) => Object.fromEntries(s.options.map((o) => [o.key, o.default]));

export function catalogueTables(worlds: WorldRegistry): string[] {
  const rows: string[] = [];
  const ode = SAMPLERS.filter((s) => s.group === 'single-step ODE' || s.group === 'multistep ODE');
  const stochastic = SAMPLERS.filter((s) => s.group === 'stochastic');
  const z = initialNoise(SEED, COUNT, 2);
  const tenNfe: Record<string, number> = {};
  const run = (sampler: SamplerInfo, schedule: string, nfe: number, denoiser: Parameters<typeof runPlanCpu>[1]) => {
    const options = defaults(sampler);
    const steps = stepsForNfe(sampler, nfe, options);
    if (steps < 1) return undefined;
    const plan = sampler.build(scheduleById(schedule)!.build(steps, O), options);
    return { nfe: plan.nfe, samples: runPlanCpu(plan, denoiser, { noise: z, count: COUNT, seed: SEED }).samples };
  };
  const cell = (value: number, used: number, nfe: number) =>
    `${value.toPrecision(3)}${used !== nfe ? ` (${used})` : ''}`;

  rows.push(
    '',
    `## Catalogue: RMSE to the RK4 reference versus NFE, float64, ${COUNT} samples, default options (UniPC: bh2, order 3)`,
    '',
    'A number in parentheses is the NFE actually used when the budget does not fit a whole step (two-stage samplers: 2N − 1).',
  );
  for (const preset of GMM_PRESETS) {
    const world = worlds.resolve(preset.id);
    const denoiser = world.exact!.cpu;
    const reference = runPlanCpu(buildReferencePlan(O.sigmaMax, O.sigmaMin, FLOAT64_REFERENCE_STEPS), denoiser, {
      noise: z,
      count: COUNT,
    }).samples;
    rows.push('', `### ${preset.id}`, '', `| sampler | schedule | ${BUDGETS.map((b) => `${b}`).join(' | ')} |`);
    rows.push(`|---|---|${BUDGETS.map(() => '---').join('|')}|`);
    for (const sampler of ode) {
      for (const schedule of ODE_SCHEDULES) {
        const cells = BUDGETS.map((nfe) => {
          const r = run(sampler, schedule, nfe, denoiser);
          if (!r) return '–';
          const e = rmse(r.samples, reference, 2);
          if (nfe === 10) tenNfe[`${preset.id} ${sampler.id} ${schedule}`] = e;
          return cell(e, r.nfe, nfe);
        });
        rows.push(`| ${sampler.a1111 ?? sampler.label} | ${schedule} | ${cells.join(' | ')} |`);
      }
    }
  }

  rows.push(
    '',
    `## Catalogue, stochastic samplers: mean log-likelihood (nats, higher is better) / sliced W2 to exact target samples (lower is better), Karras, float64, ${COUNT} samples, η = 1, s_noise = 1`,
    '',
    `Sliced W2 between two ${COUNT}-sample sets has a sampling floor; the RK4 reference's own value in each heading shows it.`,
  );
  for (const preset of GMM_PRESETS) {
    const world = worlds.resolve(preset.id);
    const exact = world.exact!;
    const target = exact.sampleTarget(COUNT, SEED + 1);
    const reference = runPlanCpu(buildReferencePlan(O.sigmaMax, O.sigmaMin, FLOAT64_REFERENCE_STEPS), exact.cpu, {
      noise: z,
      count: COUNT,
    }).samples;
    const refText = `${mean(exact.logDensity(reference, COUNT)).toFixed(3)} / ${slicedW2(reference, target, 2).toFixed(4)}`;
    rows.push('', `### ${preset.id} (RK4 reference itself: ${refText})`, '');
    rows.push(`| sampler | ${STOCHASTIC_BUDGETS.map((b) => `NFE ${b}`).join(' | ')} |`);
    rows.push(`|---|${STOCHASTIC_BUDGETS.map(() => '---').join('|')}|`);
    for (const sampler of stochastic) {
      const cells = STOCHASTIC_BUDGETS.map((nfe) => {
        const r = run(sampler, 'karras', nfe, exact.cpu);
        if (!r) return '–';
        const ll = mean(exact.logDensity(r.samples, COUNT));
        return `${ll.toFixed(3)} / ${slicedW2(r.samples, target, 2).toFixed(4)}${r.nfe !== nfe ? ` (${r.nfe})` : ''}`;
      });
      rows.push(`| ${sampler.a1111 ?? sampler.label} | ${cells.join(' | ')} |`);
    }
  }

  const unipc = tenNfe['gmm:ring8 unipc logsnr'];
  const dpmpp = tenNfe['gmm:ring8 dpmpp_2m karras'];
  const unipcKarras = tenNfe['gmm:ring8 unipc karras'];
  rows.push(
    '',
    `**Check, gmm:ring8 at 10 NFE:** UniPC (bh2, order 3) on logSNR ${unipc.toPrecision(3)} vs DPM++ 2M on Karras ` +
      `${dpmpp.toPrecision(3)}: UniPC ${unipc < dpmpp ? 'wins' : 'loses'}. (UniPC on Karras: ${unipcKarras.toPrecision(3)}.)`,
  );
  return rows;
}
